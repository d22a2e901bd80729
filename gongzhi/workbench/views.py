from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongzhi.accounts import history, two_factor


@login_required
def home(request):
    """The staff start page: the parts of the platform this user's roles open, and the sign-in
    before this one (a sign-in the person does not recognise is theirs to report)."""
    return render(request, "workbench/home.html", {
        "previous_sign_in": history.previous(request.user),
        "has_authenticator": two_factor.device(request.user) is not None,
    })
