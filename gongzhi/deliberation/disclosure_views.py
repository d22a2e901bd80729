"""居务公开 in the staff workbench: the disclosures in scope (drafts and published), a new
draft, publishing it, and correcting a published one by a new dated one that names it (the
old one stays public). Views call disclosures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping

from . import disclosures, pages
from .models import DeliberationError, Disclosure, DisclosureKind

# Drafted here: resolutions and implementation results are published from their topic.
FREE_KINDS = (DisclosureKind.FUND, DisclosureKind.PROJECT)


def _disclosure(user, pk: int) -> Disclosure:
    return scoping.get_in_scope_or_404(Disclosure.objects.select_related("area", "topic", "corrects"), user, pk=pk)


@login_required
def disclosures_view(request):
    pages.reads(request.user)
    chosen = {name: request.GET.get(name, "") for name in ("kind", "community", "published")}
    rows = scoping.scoped(Disclosure, request.user).select_related("area", "corrects")
    if chosen["kind"] in DisclosureKind.values:
        rows = rows.filter(kind=chosen["kind"])
    if chosen["published"] in ("yes", "no"):
        rows = rows.filter(published_at__isnull=chosen["published"] == "no")
    return pages.listing(request, "deliberation/disclosures.html", rows.order_by("-published_at", "-id"), chosen,
                         kinds=DisclosureKind.choices,
                         free_kinds=[(v, label) for v, label in DisclosureKind.choices if v in FREE_KINDS])


@login_required
@require_POST
def disclosure_new(request):
    pages.require_keeper(request.user)
    area = pages.community(request.user, request.POST.get("community", ""))

    def call():
        kind = request.POST.get("kind", "")
        if kind not in FREE_KINDS:
            raise DeliberationError(_("请选择公开类型"))
        return disclosures.draft(actor=request.user, area=area, kind=kind, title=request.POST.get("title", ""),
                                 body=request.POST.get("body", ""))

    return pages.created(request, call, _("已保存草稿，尚未公开"), listing="workbench:deliberation-disclosures",
                         page="workbench:deliberation-disclosure")


@login_required
def disclosure_view(request, pk: int):
    pages.reads(request.user)
    row = _disclosure(request.user, pk)
    correction = getattr(row, "correction", None)  # the one correcting it, in the same community
    return render(request, "deliberation/disclosure.html", {
        "disclosure": row, "correction": correction, "keeps": pages.keeps(request.user)})


DISCLOSURE_ACTIONS = {
    "publish": (lambda request, row: disclosures.publish(actor=request.user, disclosure=row), _("已公开")),
    "correct": (lambda request, row: disclosures.correct(actor=request.user, disclosure=row,
                                                         title=request.POST.get("title", ""),
                                                         body=request.POST.get("body", "")), _("已发布更正")),
}


@login_required
@require_POST
def disclosure_act(request, pk: int):
    pages.require_keeper(request.user)
    row = _disclosure(request.user, pk)
    result = pages.act(request, DISCLOSURE_ACTIONS, row)
    return redirect("workbench:deliberation-disclosure", pk=result.pk if isinstance(result, Disclosure) else row.pk)
