"""Councils in the staff workbench: the list in scope, establishing one, and a council's page
with its current members, the history of its terms, seating a resident found through the
register's search (in the user's scope), and ending a term. Views call councils."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping
from gongzhi.registry import search
from gongzhi.registry.models import Person

from . import councils, pages
from .models import Council, CouncilKind, CouncilMember, DeliberationError, MemberRole


@login_required
def councils_view(request):
    pages.reads(request.user)
    rows = scoping.scoped(Council, request.user).select_related("area").annotate(
        seated=Count("members", filter=Q(members__term_end__isnull=True))).order_by("area_id", "name")
    keeps = pages.keeps(request.user)
    return pages.listing(request, "deliberation/councils.html", rows.select_related("compound"),
                         {"community": request.GET.get("community", "")}, kinds=CouncilKind.choices,
                         compounds=councils.compounds(request.user, pages.communities(request.user)) if keeps else [])


@login_required
@require_POST
def council_new(request):
    pages.require_keeper(request.user)
    area = pages.community(request.user, request.POST.get("community", ""))

    def call():
        if not request.POST.get("name", "").strip():
            raise DeliberationError(_("请填写议事会名称"))
        named = request.POST.get("compound", "").strip()
        compound = councils.compound_named(request.user, area, named) if named else None
        return councils.establish(actor=request.user, area=area, kind=request.POST.get("kind", ""),
                                  name=request.POST["name"], compound=compound)

    return pages.created(request, call, _("已设立议事会"), listing="deliberation:councils",
                         page="deliberation:council")


@login_required
def council_view(request, pk: int):
    pages.reads(request.user)
    council = scoping.get_in_scope_or_404(Council.objects.select_related("area", "compound"), request.user, pk=pk)
    members = list(council.members.select_related("person").order_by("term_start", "id"))
    keeps = pages.keeps(request.user, council)
    query = request.GET.get("q", "").strip()
    found = None
    if keeps and query and request.user.has_perm("registry.view_person"):
        found = search.search(request.user, query)
    return render(request, "deliberation/council.html", {
        "council": council, "current": [m for m in members if m.term_end is None],
        "past": [m for m in members if m.term_end is not None], "keeps": keeps, "query": query, "found": found,
        "roles": MemberRole.choices, "today": timezone.localdate()})


def _add(request, council: Council):
    person = scoping.get_in_scope_or_404(Person, request.user, pk=pages.number(request.POST.get("person"), _("居民")))
    return councils.add_member(actor=request.user, council=council, person=person,
                               role=request.POST.get("role", MemberRole.MEMBER),
                               term_start=pages.day(request.POST.get("term_start", ""), _("任期开始日期")))


def _end(request, council: Council):
    member = CouncilMember.objects.filter(council=council, pk=pages.number(request.POST.get("member"),
                                                                          _("成员"))).first()
    if member is None:
        raise DeliberationError(_("请选择成员"))
    return councils.end_membership(actor=request.user, member=member,
                                   term_end=pages.day(request.POST.get("term_end", ""), _("任期结束日期")),
                                   reason=request.POST.get("reason", ""))


COUNCIL_ACTIONS = {"add_member": (_add, _("已增加成员")), "end_membership": (_end, _("已结束任期"))}


@login_required
@require_POST
def council_act(request, pk: int):
    council = pages.kept(request.user, Council, pk=pk)
    pages.act(request, COUNCIL_ACTIONS, council)
    return redirect("deliberation:council", pk=council.pk)
