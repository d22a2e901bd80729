"""The staff start page and the grid worker's phone pages (my grid, report from the patch).
Views parse input and call the service modules (mygrid, cases.inbox)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.accounts import history, scoping, two_factor
from gongzhi.cases import inbox, intake
from gongzhi.cases.models import CASE_ROLES

from . import mygrid
from .forms import PatrolReportForm


@login_required
def home(request):
    """The staff start page: my work first (what waits, how late, what is due today), then the
    parts of the platform this user's roles open, and the sign-in before this one (a sign-in
    the person does not recognise is theirs to report)."""
    context = {"previous_sign_in": history.previous(request.user),
               "has_authenticator": two_factor.device(request.user) is not None,
               "patrols": mygrid.patrols(request.user)}
    if scoping.roles(request.user) & CASE_ROLES:
        due_today, due_count = mygrid.today(request.user, size=5)
        counts = inbox.counts(request.user)
        context.update(works_cases=True, due_today=due_today, due_count=due_count, waiting=sum(counts.values()))
    return render(request, "workbench/home.html", context)


def _patrols(user) -> None:
    if not mygrid.patrols(user):
        raise PermissionDenied


@login_required
def grid_view(request):
    """My grid: the map of the grids I hold with their open cases, and what is due today."""
    _patrols(request.user)
    grids = mygrid.grids(request.user)
    due_today, due_count = mygrid.today(request.user)
    return render(request, "workbench/grid.html", {
        "grids": grids, "layers": mygrid.layers(request.user, grids), "tiles": settings.GONGZHI_MAP_TILES,
        "due_today": due_today, "due_count": due_count, "open_count": mygrid.open_count(request.user)})


@login_required
def grid_report(request):
    """Report from the patch: the phone's location or a tap on the map, camera photos."""
    _patrols(request.user)
    form = PatrolReportForm(request.POST or None, request.FILES or None,
                            initial={"token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = mygrid.report(request.user, category=data["category"], description=data["description"],
                                    lon=data.get("lon"), lat=data.get("lat"), address_text=data.get("address", ""),
                                    photos=data["photos"], token=data["token"])
        except intake.IntakeError as exc:
            field = {"location": "address", "address_text": "address"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, _("已上报，事件编号%(n)s") % {"n": receipt.case.number})
            return redirect("cases:case", number=receipt.case.number)
    grids = mygrid.grids(request.user)
    return render(request, "workbench/grid_report.html", {
        "form": form, "layers": mygrid.layers(request.user, grids), "tiles": settings.GONGZHI_MAP_TILES})
