from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The staff start page: the parts of the platform this user's roles open."""
    return render(request, "workbench/home.html")
