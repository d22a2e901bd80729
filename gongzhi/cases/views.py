"""The cases in the staff workbench: my inbox (earliest deadline first, lights, counts by
state, filters, keyset pages) and a case's page (its facts, its map point and grid, its photos,
possible duplicates, its history, and the actions this user may take now, as forms), the
photos' upload and their files. Views parse input and call inbox, workflow, routing,
duplicates and photos."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area
from gongzhi.orgs.models import Department

from . import duplicates, inbox, page_parts, photos, routing, workflow
from .models import CASE_ROLES, Case, CaseEvent, CasePhoto, CaseState, Category, Channel, Satisfaction

FILTERS = ("state", "category", "light", "channel")

def _history(case: Case) -> list[dict]:
    states = dict(CaseState.choices)
    return [{"at": e.at, "actor": e.actor_name, "note": e.note, "action": workflow.label(e.action),
             "state": states.get(e.to_state, "") if e.to_state and e.to_state != e.from_state else ""}
            for e in CaseEvent.objects.filter(case=case).order_by("at", "id")]


def _works_cases(user) -> None:
    if not scoping.roles(user) & CASE_ROLES:
        raise PermissionDenied


@login_required
def inbox_view(request):
    _works_cases(request.user)
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    rows, cursor = inbox.page(inbox.inbox(request.user, **chosen), after=request.GET.get("after", ""))
    return render(request, "cases/inbox.html", {
        "cases": rows, "next_cursor": cursor, "chosen": chosen, "counts": inbox.counts(request.user),
        "states": [(value, label) for value, label in CaseState.choices if value in inbox.states_for(request.user)],
        "channels": Channel.choices, "lights": [("red", _("超期")), ("yellow", _("预警")), ("green", _("正常"))],
        "categories": Category.objects.filter(parent__isnull=False, is_active=True).order_by("parent__code", "code"),
        "now": timezone.now()})


def _case(request, number: str) -> Case:
    return scoping.get_in_scope_or_404(Case.objects.select_related("category__parent", "department", "address"),
                                       request.user, number=number)


def _map(case: Case) -> dict | None:
    """What the case's map draws: its point and its place's outline (GeoJSON), or None when
    the case has no point (the page shows the address instead)."""
    if case.lon is None or case.lat is None:
        return None
    # The case is in the user's scope, and its place goes with it (a handler, whose scope is a
    # department, sees no places of their own).
    area = Area.objects.unscoped().filter(code=case.area_id).only("code", "name", "short_name", "geometry").first()
    outline = None
    if area is not None and area.geometry:
        outline = {"type": "Feature", "geometry": area.geometry,
                   "properties": {"code": area.code, "name": area.short_name or area.name}}
    return {"point": [case.lon, case.lat], "area": outline, "tiles": settings.GONGZHI_MAP_TILES}


def _duplicates(user, case: Case) -> list[dict]:
    return [{"case": other, "metres": None if metres is None else round(metres),
             "earlier": other.reported_at <= case.reported_at,
             # within a minute "0 minutes earlier" says nothing: the same time
             "together": abs((other.reported_at - case.reported_at).total_seconds()) < 60}
            for other, metres in duplicates.nearby(user, case)]


@login_required
def case_view(request, number: str):
    _works_cases(request.user)
    case = _case(request, number)
    actions = workflow.allowed(request.user, case)
    suggested = routing.suggest(case.category, case.area_id) if "dispatch" in actions else None
    return render(request, "cases/case.html", {
        "case": case, "events": _history(case), "map": _map(case),
        "parts": page_parts.shown(request, case),  # what apps above cases add (page_parts.py)
        "photos": case.photos.select_related("uploaded_by"),
        "may_add_photos": bool(scoping.roles(request.user) & photos.PHOTO_ROLES),
        "photo_types": photos.ACCEPT, "photo_limit": photos.MAX_PER_UPLOAD,
        "photo_max_mb": settings.GONGZHI_PHOTO_MAX_BYTES // 1048576,
        # Possible duplicates are for whoever may merge this case into one of them.
        "duplicates": _duplicates(request.user, case) if "merge" in actions else None,
        "actions": [{"name": a, "label": workflow.ACTION_LABELS[a], "needs_note": workflow.TRANSITIONS[a].needs_note}
                    for a in actions],
        "departments": scoping.scoped(Department, request.user).filter(is_active=True).order_by("name")
        if "dispatch" in actions else [],
        "suggested": suggested, "satisfactions": Satisfaction.choices,
        # Linked records show only as far as this user may see them in the register.
        "people": scoping.restrict(case.people.all(), request.user),
        "houses": scoping.restrict(case.houses.select_related("address"), request.user),
        "entities": scoping.restrict(case.entities.all(), request.user)})


@login_required
@require_POST
def act_view(request, number: str):
    _works_cases(request.user)
    case = _case(request, number)
    action = request.POST.get("action", "")
    department = into = until = None
    try:
        if request.POST.get("department"):
            department = scoping.get_in_scope_or_404(Department, request.user, pk=int(request.POST["department"]))
        if request.POST.get("into"):
            into = _case(request, request.POST["into"].strip())
        if request.POST.get("until"):
            until = parse_datetime(request.POST["until"])
            if until is None:
                raise workflow.WorkflowError(_("请填写有效的日期时间"))
            until = timezone.make_aware(until) if timezone.is_naive(until) else until
        workflow.act(actor=request.user, case=case, action=action, note=request.POST.get("note", ""),
                     department=department, satisfaction=request.POST.get("satisfaction", ""), until=until,
                     into=into)
    except (workflow.WorkflowError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已%(a)s") % {"a": workflow.ACTION_LABELS.get(action, action)})
    return redirect("cases:case", number=case.number)




@login_required
@require_POST
def add_photos_view(request, number: str):
    """Each file of the upload through photos.attach: a bad one is named with its reason, the
    good ones of the same upload are kept."""
    _works_cases(request.user)
    case = _case(request, number)
    if not scoping.roles(request.user) & photos.PHOTO_ROLES:
        raise PermissionDenied
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, _("请选择要上传的照片"))
    elif len(files) > photos.MAX_PER_UPLOAD:
        messages.error(request, _("一次最多上传%(n)s张照片，请分批上传") % {"n": photos.MAX_PER_UPLOAD})
    else:
        added, budget = 0, photos.Budget()
        for upload in files:
            try:
                photos.attach(actor=request.user, case=case, data=photos.clean_upload(upload, budget))
            except photos.PhotoError as exc:
                messages.error(request, _("%(name)s 未上传：%(why)s") % {"name": upload.name, "why": exc})
            else:
                added += 1
        if added:
            messages.success(request, _("已添加%(n)s张照片") % {"n": added})
    return redirect("cases:case", number=case.number)


@login_required
@require_GET
def photo_view(request, number: str, pk: int):
    """One photo of a case the user may see (404 otherwise, and for another case's photo);
    ?size=thumb for the small copy the case page shows. Never cached by a shared cache."""
    _works_cases(request.user)
    case = _case(request, number)
    photo = get_object_or_404(CasePhoto, pk=pk, case=case)
    try:
        if request.GET.get("size") == "thumb":
            response = HttpResponse(photos.thumbnail(photo), content_type=photo.content_type)
        else:
            response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    except FileNotFoundError as exc:
        raise Http404("the photo's file is missing") from exc
    extension = photo.image.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{case.number}-{photo.pk}.{extension}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
