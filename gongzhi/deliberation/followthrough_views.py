"""Carrying a resolution out, in the workbench: the tasks on a resolved topic's page (assigned
with who answers for them and a deadline, completed or cancelled once), the prompt to disclose
the implementation result when the last one closes, and the supervision page: the progress of
every resolution in the user's scope (what the supervision council watches). Views parse input
and call followthrough."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import followthrough, pages
from .models import DeliberationError, ResolutionTask, TaskState, Topic, TopicState


def context(user, topic: Topic, keeps: bool) -> dict:
    """What a resolved topic's page shows of its follow-through (nothing before the resolution)."""
    if topic.state != TopicState.RESOLVED:
        return {}
    progress = followthrough.progress(topic)
    found = {"progress": progress, "implementation_due": progress.implementation_due,
             "implementation_summary": followthrough.implementation_summary(topic) if progress.tasks else ""}
    if keeps and not progress.implementation_disclosed:
        found["task_owners"] = followthrough.owner_choices(topic)
        found["task_organizations"] = followthrough.organization_choices(topic).order_by("name")
        found["task_departments"] = followthrough.department_choices().order_by("name")
    return found


def _chosen(request, field: str, label: str, choices):
    """The row of `choices` named by the field, None when it is left empty."""
    if not request.POST.get(field):
        return None
    row = choices.filter(pk=pages.number(request.POST[field], label)).first()
    if row is None:
        raise DeliberationError(_("请选择%(f)s") % {"f": label})
    return row


def assign(request, topic: Topic):
    return followthrough.assign(
        actor=request.user, topic=topic, title=request.POST.get("title", ""),
        deadline=pages.day(request.POST.get("deadline", ""), _("完成时限")),
        owner=_chosen(request, "owner", _("责任人"), followthrough.owner_choices(topic)),
        organization=_chosen(request, "organization", _("责任组织"), followthrough.organization_choices(topic)),
        department=_chosen(request, "department", _("职能部门"), followthrough.department_choices()))


def _task(request, topic: Topic) -> ResolutionTask:
    pk = pages.number(request.POST.get("task"), _("任务"))
    task = ResolutionTask.objects.filter(resolution__topic=topic, pk=pk).select_related("resolution").first()
    if task is None:
        raise DeliberationError(_("请选择任务"))
    return task


def complete(request, topic: Topic):
    closed_on = request.POST.get("closed_on", "")
    return followthrough.complete(actor=request.user, task=_task(request, topic), result=request.POST.get("result", ""),
                                  closed_on=pages.day(closed_on, _("办结日期")) if closed_on else None)


def cancel(request, topic: Topic):
    return followthrough.cancel(actor=request.user, task=_task(request, topic), reason=request.POST.get("reason", ""))


# Added to the topic's actions (views.TOPIC_ACTIONS): the keepers' part.
TASK_ACTIONS = {
    "assign": (assign, _("已交办落实任务")),
    "complete": (complete, _("任务已办结")),
    "cancel_task": (cancel, _("任务已取消")),
}


@login_required
def supervision_view(request):
    """Every resolution in scope with its tasks' progress, late ones counted; ?community=."""
    pages.reads(request.user)
    community = request.GET.get("community", "")
    area = pages.community(request.user, community) if community else None
    return render(request, "deliberation/supervision.html", {
        "rows": followthrough.supervised(request.user, area=area), "chosen": {"community": community},
        "communities": pages.communities(request.user), "states": TaskState})
