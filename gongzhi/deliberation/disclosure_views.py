"""居务公开 in the staff workbench: the disclosures in scope (drafts and published), a new
draft, publishing it, and correcting a published one by a new dated one that names it (the
old one stays public). Views call disclosures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping

from . import disclosures, funds, pages
from .models import DeliberationError, Disclosure, DisclosureKind, ProjectProgress

# Drafted here: resolutions and implementation results are published from their topic.
FREE_KINDS = (DisclosureKind.FUND, DisclosureKind.PROJECT)
BLANK_LINES = 5  # empty rows an account's form offers (blank ones are skipped)


def _disclosure(user, pk: int, *, keeping: bool = False) -> Disclosure:
    rows = Disclosure.objects.select_related("area", "topic", "corrects")
    return pages.kept(user, rows, pk=pk) if keeping else scoping.get_in_scope_or_404(rows, user, pk=pk)


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
                         kinds=DisclosureKind.choices, progresses=ProjectProgress.choices, lines=[{}] * BLANK_LINES,
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

    return pages.created(request, call, _("已保存草稿，尚未公开"), listing="deliberation:disclosures",
                         page="deliberation:disclosure")


def _account(request, area, corrects: Disclosure | None = None) -> Disclosure:
    """A fund or project account from its form (lines as three parallel lists of inputs),
    published at once; with `corrects`, its correction."""
    kind = corrects.kind if corrects is not None else request.POST.get("kind", "")
    post = request.POST
    common = {"actor": request.user, "area": area, "corrects": corrects, "body": post.get("body", ""),
              "rows": list(zip(post.getlist("line_name"), post.getlist("line_budgeted"), post.getlist("line_spent"),
                               strict=False)),
              "beneficiaries": post.get("beneficiaries", "").strip() or None,
              "beneficiaries_note": post.get("beneficiaries_note", "")}
    start = pages.day(post.get("period_start", ""), _("开始日期"))
    end = pages.day(post["period_end"], _("结束日期")) if post.get("period_end") else None
    if kind == DisclosureKind.FUND:
        if end is None:
            raise DeliberationError(_("请填写有效的%(f)s（年-月-日）") % {"f": _("结束日期")})
        return funds.disclose_fund(title=post.get("title", ""), period_start=start, period_end=end, **common)
    if kind == DisclosureKind.PROJECT:
        return funds.disclose_project(name=post.get("title", ""), contractor=post.get("contractor", ""),
                                      progress=post.get("progress", ""), start=start, end=end, **common)
    raise DeliberationError(_("请选择公开类型"))


@login_required
@require_POST
def account_new(request):
    pages.require_keeper(request.user)
    area = pages.community(request.user, request.POST.get("community", ""))
    return pages.created(request, lambda: _account(request, area), _("已公开"),
                         listing="deliberation:disclosures", page="deliberation:disclosure")


@login_required
def disclosure_view(request, pk: int):
    pages.reads(request.user)
    row = _disclosure(request.user, pk)
    correction = getattr(row, "correction", None)  # the one correcting it, in the same community
    items = list(row.items.all())
    return render(request, "deliberation/disclosure.html", {
        "disclosure": row, "correction": correction, "keeps": pages.keeps(request.user, row), "items": items,
        "totals": funds.summed(items) if items else None, "progresses": ProjectProgress.choices,
        "lines": [*items, *[{}] * 3]})


DISCLOSURE_ACTIONS = {
    "publish": (lambda request, row: disclosures.publish(actor=request.user, disclosure=row), _("已公开")),
    "correct": (lambda request, row: disclosures.correct(actor=request.user, disclosure=row,
                                                         title=request.POST.get("title", ""),
                                                         body=request.POST.get("body", "")), _("已发布更正")),
    "correct_account": (lambda request, row: _account(request, row.area, corrects=row), _("已发布更正")),
}


@login_required
@require_POST
def disclosure_act(request, pk: int):
    row = _disclosure(request.user, pk, keeping=True)
    result = pages.act(request, DISCLOSURE_ACTIONS, row)
    return redirect("deliberation:disclosure", pk=result.pk if isinstance(result, Disclosure) else row.pk)
