"""The public portal (no sign-in): report a problem with a map pin or an address, get a case
number and a code, follow the case and rate it when it is closed. Views parse the forms and
call cases.intake and cases.tracking; what makes a case stays there."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from gongzhi.cases import categories, intake, reporters, tracking, workflow
from gongzhi.common import actors, throttle

from . import places
from .forms import RateForm, ReportForm, TrackForm

# Notes a resident is meant to read: why a report was not taken, what was done, their own words.
PUBLIC_NOTES = {"reject", "handle", "self_resolve", "evaluate"}


def home(request):
    return render(request, "portal/home.html", {"area": places.portal_area()})


@cache_control(public=True, max_age=600)
def outlines(request):
    return JsonResponse(places.outlines())


def _too_many(request):
    if throttle.exceeded(request, group="portal-report", rate=settings.GONGZHI_PORTAL_RATE_PER_ADDRESS):
        return render(request, "portal/too_many.html", status=429)
    return None


def report(request):
    form = ReportForm(request.POST or None, request.FILES or None, initial={"token": secrets.token_urlsafe(16)})
    if request.method == "POST":
        refused = _too_many(request)
        if refused:
            return refused
        if form.is_valid():
            receipt = _file(form)
            if receipt is not None:
                return render(request, "portal/receipt.html", {"receipt": receipt})
    return render(request, "portal/report.html", {"form": form, "tiles": settings.GONGZHI_MAP_TILES})


def _file(form: ReportForm):
    """The case the form describes with its photos (checked before anything is filed, stored
    with the case), or None with the reasons put on the form."""
    data = form.cleaned_data
    category = categories.active(data["category"])
    if category is None:
        form.add_error("category", _("请选择问题类型"))
        return None
    try:
        return intake.report(source=reporters.portal(actors.ResidentActor(_("反映人")), places.portal_area()),
                             category=category, description=data["description"], lon=data.get("lon"),
                             lat=data.get("lat"), address_text=data.get("address", ""),
                             reporter_name=data.get("reporter_name", ""),
                             reporter_phone=data.get("reporter_phone", ""), idempotency_key=data["token"],
                             photos=data.get("photos") or ())
    except intake.IntakeError as exc:
        field = {"location": "address", "address_text": "address"}.get(exc.field, exc.field)
        form.add_error(field if field in form.fields else None, str(exc))
        return None


def _timeline(case) -> list[dict]:
    return [{"at": e.at, "action": workflow.label(e.action),
             "note": e.note if e.action in PUBLIC_NOTES else ""}
            for e in case.events.exclude(action__in=["warning", "overdue"]).order_by("at", "id")]


def track(request):
    form = TrackForm(request.POST or None)
    case = None
    if request.method == "POST" and form.is_valid():
        case = tracking.find(form.cleaned_data["number"], form.cleaned_data["code"], request)
        if case is None:
            form.add_error(None, tracking.refused())
    return _track_page(request, form, case)


def _track_page(request, form, case):
    context = {"form": form, "case": case}
    if case is not None:
        context["timeline"] = _timeline(case)
        context["rate_form"] = RateForm(initial={"number": case.number, "code": form.cleaned_data["code"]})
    return render(request, "portal/track.html", context)


@require_POST
def rate(request):
    form = RateForm(request.POST)
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    case = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = tracking.rate(number=number, code=code, satisfaction=data["satisfaction"],
                                 comment=data["comment"], request=request)
        except LookupError as exc:
            form.add_error(None, str(exc))
        except ValueError as exc:  # not closed yet, or rated already: the code was right
            form.add_error("satisfaction", str(exc))
            case = tracking.find(number, code)
        else:
            return render(request, "portal/track.html", {"form": form, "case": case, "timeline": _timeline(case),
                                                         "rated": True})
    else:
        case = tracking.find(number, code, request)
    return render(request, "portal/track.html", {"form": form, "case": case, "rate_form": form,
                                                 "timeline": _timeline(case) if case else []})
