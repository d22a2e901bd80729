"""Topics in the staff workbench (议题): the list in the user's scope with its filters and a new
topic, a topic's page (its facts, supports and comments, the council's decision, the procedure
and its steps with their meetings, the resolution and its disclosures), and a case turned into
a topic. Views parse input and call topics, procedures and disclosures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import scoping
from gongzhi.accounts.scoping import OutOfScope

from . import councils, disclosures, followthrough_views, pages, procedures, topics
from .models import (
    Council,
    CouncilKind,
    DeliberationError,
    DisclosureKind,
    Meeting,
    ProcedureTemplate,
    Topic,
    TopicSource,
    TopicState,
)

FILTERS = ("state", "source", "community")
# The sources staff enter on the new-topic form (a resident's comes from the portal, a case's
# from the case page).
STAFF_SOURCES = (TopicSource.WORKER, TopicSource.PARTY)


def topic_in_scope(user, pk: int, *, keeping: bool = False) -> Topic:
    """The topic, where the user reads it (keeping: where they keep records, for an action)."""
    rows = Topic.objects.select_related("area", "council", "case", "proposer", "created_by")
    return pages.kept(user, rows, pk=pk) if keeping else scoping.get_in_scope_or_404(rows, user, pk=pk)


@login_required
def topics_view(request):
    pages.reads(request.user)
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    rows = scoping.scoped(Topic, request.user).select_related("area").annotate(
        support_count=Count("supports", distinct=True), comment_count=Count("comments", distinct=True))
    if chosen["state"] in TopicState.values:
        rows = rows.filter(state=chosen["state"])
    if chosen["source"] in TopicSource.values:
        rows = rows.filter(source=chosen["source"])
    return pages.listing(request, "deliberation/topics.html", rows.order_by("-created_at", "-id"), chosen,
                         states=TopicState.choices, sources=TopicSource.choices, staff_sources=[
                             (value, label) for value, label in TopicSource.choices if value in STAFF_SOURCES])


@login_required
@require_POST
def topic_new(request):
    pages.require_keeper(request.user)
    area = pages.community(request.user, request.POST.get("community", ""))

    def call():
        source = request.POST.get("source", "")
        if source not in STAFF_SOURCES:
            raise DeliberationError(_("请选择议题来源"))
        return topics.propose(actor=request.user, area=area, title=request.POST.get("title", ""),
                              description=request.POST.get("description", ""), source=source)

    return pages.created(request, call, _("已登记议题"), listing="deliberation:topics",
                         page="deliberation:topic")


def _steps(topic: Topic):
    meetings = Meeting.objects.order_by("scheduled_at", "id")
    return list(topic.steps.order_by("order").prefetch_related(Prefetch("meetings", queryset=meetings)))


@login_required
def topic_view(request, pk: int):
    pages.reads(request.user)
    topic = topic_in_scope(request.user, pk)
    keeps = pages.keeps(request.user, topic)
    steps = _steps(topic)
    current = procedures.current_step(topic)
    shown = list(scoping.restrict(topic.disclosures.order_by("published_at", "id"), request.user))
    published = {d.kind for d in shown if d.published_at}
    context = {
        "topic": topic, "photos": topic.photos.all(), "keeps": keeps, "steps": steps, "current": current,
        "support_count": topic.supports.count(),
        "comments": topic.comments.select_related("person", "author"),
        "resolution": getattr(topic, "resolution", None) if topic.state == TopicState.RESOLVED else None,
        "disclosures": shown,
        "may_disclose_resolution": topic.state == TopicState.RESOLVED and DisclosureKind.RESOLUTION not in published,
        "may_disclose_implementation": DisclosureKind.RESOLUTION in published
        and DisclosureKind.IMPLEMENTATION not in published,
    }
    if keeps and topic.state == TopicState.PROPOSED:
        context["councils"] = scoping.scoped(Council, request.user).filter(
            area=topic.area_id, kind=CouncilKind.DELIBERATION).order_by("name")
    if keeps and topic.state == TopicState.TAKEN_UP:
        context["templates"] = ProcedureTemplate.objects.filter(is_active=True).filter(
            Q(area__isnull=True) | Q(area=topic.area_id)).order_by("code")
    if keeps and current is not None and not any(not m.frozen for m in current.meetings.all()):
        context["seated"] = councils.members_on(topic.council, timezone.localdate()).select_related("person")
    context.update(followthrough_views.context(request.user, topic, keeps))
    return render(request, "deliberation/topic.html", context)


@login_required
@require_POST
def topic_comment(request, pk: int):
    """Staff in scope comment on a topic (any deliberation role: a comment changes nothing)."""
    pages.reads(request.user)
    topic = topic_in_scope(request.user, pk)
    pages.attempt(request, lambda: topics.comment(topic=topic, actor=request.user, text=request.POST.get("text", "")),
                  _("已发表评论"))
    return redirect("deliberation:topic", pk=topic.pk)


def _council(request, topic: Topic) -> Council:
    pk = pages.number(request.POST.get("council"), _("议事会"))
    return scoping.get_in_scope_or_404(Council, request.user, pk=pk)


def _template(request, topic: Topic) -> ProcedureTemplate:
    pk = pages.number(request.POST.get("template"), _("议事程序"))
    template = ProcedureTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise DeliberationError(_("请选择议事程序"))
    return template


# action → (what it calls, what the page then says)
TOPIC_ACTIONS = {
    "take_up": (lambda request, topic: topics.take_up(actor=request.user, topic=topic, council=_council(request, topic),
                                                      note=request.POST.get("note", "")), _("议事会已受理议题")),
    "decline": (lambda request, topic: topics.decline(actor=request.user, topic=topic,
                                                      note=request.POST.get("note", "")), _("已决定不予受理")),
    "choose": (lambda request, topic: procedures.choose(actor=request.user, topic=topic,
                                                        template=_template(request, topic)), _("已选定议事程序")),
    "disclose_resolution": (lambda request, topic: disclosures.disclose_resolution(actor=request.user, topic=topic),
                            _("决议已公开")),
    "disclose_implementation": (lambda request, topic: disclosures.disclose_implementation(
        actor=request.user, topic=topic, body=request.POST.get("body", "")), _("实施结果已公开")),
    **followthrough_views.TASK_ACTIONS,
}


@login_required
@require_POST
def topic_act(request, pk: int):
    """The keepers' actions on a topic: the council's decision, the procedure, the disclosures."""
    topic = topic_in_scope(request.user, pk, keeping=True)
    pages.act(request, TOPIC_ACTIONS, topic)
    return redirect("deliberation:topic", pk=topic.pk)


@login_required
@require_POST
def from_case(request, number: str):
    """A case that cannot be solved as a case becomes a topic of its community (the form that
    case_page.part shows on the case page posts here)."""
    from gongzhi.cases.models import Case

    case = pages.kept(request.user, Case, number=number)
    try:
        topic = pages.attempt(request, lambda: topics.from_case(
            actor=request.user, case=case, title=request.POST.get("title", ""),
            description=request.POST.get("description", "")), _("事件已转为议题"))
    except OutOfScope:  # the case is visible, its community is not one this user keeps
        messages.error(request, _("该事件所在社区不在您的议事范围内，不能转为议题"))
        topic = None
    if topic is None:
        return redirect("cases:case", number=case.number)
    return redirect("deliberation:topic", pk=topic.pk)

