"""The register in the staff workbench (/w/registry/): search, the linked views, reveal,
imports with their progress, the address review queue, exports. Views only parse input, call a
service or selector and render."""

from __future__ import annotations

import datetime as dt
import re
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping

from . import (
    exporters,
    identity,
    import_kinds,
    imports,
    linked,
    matching,
    people,
    rights,
    search,
    sensitive,
    sheets,
)
from .forms import LifeEventForm, PersonChangeForm, PersonForm
from .models import (
    Address,
    AddressReview,
    House,
    IdentityReviewState,
    ImportJob,
    Person,
    PhoneLink,
    ReviewStatus,
)
from .people import RegistryError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def view(permission: str):
    def wrap(func):
        return login_required(permission_required(permission, raise_exception=True)(func))
    return wrap


@view("registry.view_person")
def search_view(request):
    query = request.GET.get("q", "")
    results = search.search(request.user, query) if query.strip() else None
    return render(request, "registry/search.html", {"query": query, "results": results})


class RevealForm(forms.Form):
    field = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("查看原因"), min_length=2, max_length=200)


@view("registry.view_person")
def person_view(request, pk: int):
    context = linked.of_person(request.user, pk)
    context["may_reveal"] = sensitive.may_reveal(request.user)
    context["revealed"] = {}
    if request.method == "POST":
        form = RevealForm(request.POST)
        if form.is_valid():
            obj, field = context["person"], form.cleaned_data["field"]
            if field.startswith("phone:"):
                obj = scoping.get_in_scope_or_404(PhoneLink, request.user, pk=field.removeprefix("phone:"))
                field = "phone"
            try:
                value = sensitive.reveal(user=request.user, obj=obj, field=field,
                                          reason=form.cleaned_data["reason"])
                context["revealed"][form.cleaned_data["field"]] = value
            except (RegistryError, PermissionDenied) as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _("请填写查看原因（至少2个字）"))
    return render(request, "registry/person.html", context)


class SubjectCopyForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("申请事由"), min_length=2, max_length=200,
                             help_text=gettext_lazy("如：本人书面申请及其编号"))


@view("registry.reveal_sensitive")
@require_POST
def person_subject_copy(request, pk: int):
    """The copy of a person's own information that they asked for (a download, audited)."""
    person = scoping.get_in_scope_or_404(Person, request.user, pk=pk)
    form = SubjectCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写申请事由（至少2个字）"))
        return redirect("registry:person", pk=pk)
    data = rights.subject_copy(user=request.user, person=person, reason=form.cleaned_data["reason"])
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="person-{pk}-copy.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _refused(form: forms.Form, exc: Exception) -> None:
    """Puts a service's refusal on the field it names (or on the form as a whole)."""
    field = getattr(exc, "field", "")
    form.add_error(field if field in form.fields else None, str(exc))


@view("registry.add_person")
def person_new(request):
    """Registers a person at a house (from the house page) or at a typed address."""
    house = None
    if request.GET.get("house"):
        house = scoping.get_in_scope_or_404(House.objects.select_related("address"), request.user,
                                            pk=request.GET["house"])
    form = PersonForm(request.POST or None, tags=people.usable_tags(request.user))
    clash = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = people.register_person(
                actor=request.user, house=house, name=data["name"], residency=data["residency"],
                id_number=data["id_number"] or None, passport_type=data["passport_type"],
                passport_number=data["passport_number"] or None, nationality=data["nationality"],
                ethnicity=data["ethnicity"], relation_to_head=data["relation_to_head"], tenure=data["tenure"],
                since=data["since"], tags=[t.code for t in data["tags"]],
                area_code=None if house else _only_area(request.user),
                phones=[n for n in re.split(r"[;；,，\s]+", data["phones"]) if n])
        except RegistryError as exc:
            _refused(form, exc)
            clash = getattr(exc, "person", None)  # a record holding the number that the user sees
        else:
            # The same answer whether the number was free or held out of the user's sight (then
            # the person is provisional and the holder's keepers review it: registry.identity).
            messages.success(request, _("已登记：%(n)s") % {"n": person.name})
            return redirect("registry:person", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "house": house, "clash": clash,
                                                          "title": _("登记人员")})


def _only_area(user) -> str | None:
    """A person registered without a house belongs to the registering user's own grid or
    community, when the user holds exactly one."""
    areas = [g.area_prefix for g in scoping.grants(user) if g.area_prefix and len(g.area_prefix) >= 12]
    return areas[0].ljust(12, "0")[:15] if len(areas) == 1 else None


@view("registry.change_person")
def person_edit(request, pk: int):
    person = scoping.get_in_scope_or_404(Person, request.user, pk=pk)
    initial = {"name": person.name, "residency": person.residency, "ethnicity": person.ethnicity,
               "relation_to_head": person.relation_to_head, "tags": list(person.tags.all())}
    form = PersonChangeForm(request.POST or None, initial=initial, tags=people.usable_tags(request.user))
    clash = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people.update_person(actor=request.user, person=person, name=data["name"],
                                 residency=data["residency"], ethnicity=data["ethnicity"],
                                 relation_to_head=data["relation_to_head"], id_number=data["id_number"] or None,
                                 tags=[t.code for t in data["tags"]])
        except RegistryError as exc:
            _refused(form, exc)
            clash = getattr(exc, "person", None)
        else:
            messages.success(request, _("已保存"))
            return redirect("registry:person", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person, "clash": clash,
                                                          "title": _("更正人员信息")})


@view("registry.change_person")
def person_event(request, pk: int):
    person = scoping.get_in_scope_or_404(Person, request.user, pk=pk)
    form = LifeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["event"] == "move_in":
                    people.move_in_at(actor=request.user, person=person, address=data["address"], day=data["day"],
                                      tenure=data["tenure"] or "own", note=data["note"])
                elif data["event"] == "move_out":
                    people.move_out(actor=request.user, person=person, day=data["day"], note=data["note"])
                else:
                    people.record_death(actor=request.user, person=person, day=data["day"], note=data["note"])
        except RegistryError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已记录"))
            return redirect("registry:person", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person,
                                                          "title": _("登记人口变动")})


@view("registry.view_house")
def house_view(request, pk: int):
    on = None
    if request.GET.get("on"):
        try:
            on = dt.date.fromisoformat(request.GET["on"])
        except ValueError:
            messages.error(request, _("日期格式应为 2024-01-31"))
    return render(request, "registry/house.html", linked.of_house(request.user, pk, on=on))


@view("registry.view_address")
def address_view(request, code: str):
    return render(request, "registry/address.html", linked.of_address(request.user, code))


@view("registry.view_entity")
def entity_view(request, pk: int):
    return render(request, "registry/entity.html", linked.of_entity(request.user, pk))


@view("registry.view_person")
@require_POST
def phone_view(request):
    number = request.POST.get("number", "")
    try:
        context = linked.of_phone(request.user, number)
    except Http404:
        messages.error(request, _("没有找到使用该号码的人员或法人"))
        return redirect("registry:search")
    return render(request, "registry/phone.html", context)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"))
    file = forms.FileField(label=gettext_lazy("表格文件（.xlsx 或 .csv）"))

    def __init__(self, kinds: list[import_kinds.ImportKind], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.key, kind.label) for kind in kinds]


def importing(func):
    """The import pages: for whoever may import at least one kind (each kind's own permission is
    checked where the kind is named)."""
    def wrapped(request, *args, **kwargs):
        if not import_kinds.allowed(request.user):
            raise PermissionDenied
        return func(request, *args, **kwargs)
    return login_required(wraps(func)(wrapped))


def _kind_label(key: str):
    try:
        return import_kinds.get(key).label
    except import_kinds.UnknownKind:
        return key


@importing
def imports_view(request):
    kinds = import_kinds.allowed(request.user)
    form = UploadForm(kinds, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.start(actor=request.user, kind=form.cleaned_data["kind"], file_name=upload.name,
                                data=upload.read())
        except imports.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("registry:import", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:20]
    return render(request, "registry/imports.html", {"form": form, "jobs": jobs, "kinds": kinds})


def _own_job(request, pk: int) -> ImportJob:
    """Only the person who uploaded a file sees its job; for anyone else it does not exist."""
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


@importing
def import_view(request, pk: int):
    job = _own_job(request, pk)
    template = "registry/_import_progress.html" if request.headers.get("HX-Request") else "registry/import_job.html"
    return render(request, template, {"job": job, "kind_label": _kind_label(job.kind)})


@importing
def import_errors(request, pk: int):
    job = _own_job(request, pk)
    if not job.error_file:
        raise Http404
    if imports.expired(job):
        return render(request, "registry/download_expired.html", status=410)
    response = HttpResponse(imports.error_workbook(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="errors-{job.pk}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def template_view(request, kind: str, fmt: str = "xlsx"):
    try:
        spec = import_kinds.get(kind)
    except import_kinds.UnknownKind:
        raise Http404 from None
    if not spec.allows(request.user):
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(sheets.csv_template(kind), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(sheets.template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response


@view("registry.review_address")
def reviews_view(request):
    reviews = list(scoping.scoped(AddressReview, request.user).filter(status=ReviewStatus.PENDING)[:100])
    return render(request, "registry/reviews.html", {"reviews": reviews})


@view("registry.review_address")
@require_POST
def review_resolve(request, pk: int):
    review = scoping.get_in_scope_or_404(AddressReview, request.user, pk=pk)
    if request.POST.get("action") == "dismiss":
        matching.dismiss(actor=request.user, review=review)
        messages.success(request, _("已忽略：%(t)s") % {"t": review.raw_text})
        return redirect("registry:reviews")
    code = request.POST.get("address_code", "").strip()
    address = scoping.scoped(Address, request.user).filter(code=code).first()
    if address is None:
        messages.error(request, _("地址编码“%(c)s”不存在或不在您的管辖范围") % {"c": code})
    else:
        matching.resolve(actor=request.user, review=review, address=address)
        messages.success(request, _("已匹配：%(t)s → %(a)s") % {"t": review.raw_text, "a": address.full_text})
    return redirect("registry:reviews")


@view("registry.review_identity")
def identity_reviews_view(request):
    """The open identity reviews of the records the user keeps."""
    reviews = list(identity.kept(request.user).filter(state=IdentityReviewState.OPEN)[:100])
    return render(request, "registry/identity_reviews.html", {"reviews": reviews})


@view("registry.review_identity")
def identity_review_view(request, pk: int):
    """Both records side by side (masked); confirm the same person moving, or decline."""
    review = scoping.get_in_scope_or_404(identity.kept(request.user), request.user, pk=pk)
    if request.method == "POST":
        action, reason = request.POST.get("action"), request.POST.get("reason", "")
        try:
            if action == "confirm":
                identity.confirm(actor=request.user, review=review, reason=reason)
                messages.success(request, _("已确认为同一人：已有记录已迁入新登记的住址"))
            elif action == "decline":
                identity.decline(actor=request.user, review=review, reason=reason)
                messages.success(request, _("已标记为核实未通过，登记人将看到并更正"))
            else:
                messages.error(request, _("请选择“确认为同一人”或“核实未通过”"))
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("registry:identity-reviews")
        return redirect("registry:identity-review", pk=pk)
    return render(request, "registry/identity_review.html", {"review": review})


@login_required
def export_view(request, kind: str):
    if kind not in exporters.EXPORTS:
        raise Http404
    if not request.user.has_perm(exporters.EXPORTS[kind][2]):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    data, _count = exporters.export(request.user, kind, fmt)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    response["Cache-Control"] = "no-store"  # made for this request, kept by no cache on the way
    return response


