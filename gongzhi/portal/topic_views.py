"""Topics on the public portal: residents read what their neighbours raised and what became of
it; a resident who proved who they are (portal.residents) proposes a topic for their community,
supports and comments on the topics of their community. Views parse the forms and call
deliberation.topics; the rules (one support each, residents of that community only) stay there."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from gongzhi.cases import photos as case_photos
from gongzhi.common import actors, throttle
from gongzhi.common.masking import mask_name
from gongzhi.deliberation import disclosures, scope, topics
from gongzhi.deliberation.models import DeliberationError, TopicSource, TopicState

from . import places, residents
from .forms import CommentForm, TopicForm

PER_PAGE = 20


def _topic(pk: int):
    area = places.portal_area()
    topic = topics.public(area).filter(pk=pk).first() if area is not None else None
    if topic is None:
        raise Http404
    return topic


def _own_community(request, topic) -> bool:
    person = residents.current(request)
    return person is not None and scope.lives_in(person, topic.area)


def topic_list(request):
    area = places.portal_area()
    community = places.community(request.GET.get("community", ""))
    rows = topics.public(community or area) if area is not None else []
    state = request.GET.get("state", "")
    if state in TopicState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/topics.html", {
        "page": page, "communities": places.communities(), "community": community, "state": state,
        "states": TopicState.choices, "person": residents.current(request)})


def _comments(topic) -> list[dict]:
    return [{"at": c.at, "text": c.text,
             "who": mask_name(c.person.name) if c.person_id else _("社区工作人员")}
            for c in topic.comments.select_related("person")]


def _progress(topic) -> list[dict]:
    """The procedure's steps as residents see them: name, state and the dated meetings' outcomes
    (who voted what is not public; the counts are, once frozen with the minutes)."""
    return [{"step": step, "meetings": [m for m in step.meetings.all() if m.frozen]}
            for step in topic.steps.prefetch_related("meetings").order_by("order")]


def topic_detail(request, pk: int):
    return _detail_page(request, _topic(pk), CommentForm(initial={"token": secrets.token_urlsafe(16)}))


def _detail_page(request, topic, comment_form, status: int = 200):
    person = residents.current(request)
    supported = person is not None and topic.supports.filter(person=person).exists()
    return render(request, "portal/topic.html", {
        "topic": topic, "photos": topic.photos.all(), "proposer": mask_name(topic.proposer.name) if topic.proposer_id else "",
        "from_resident": topic.source == TopicSource.RESIDENT, "comments": _comments(topic),
        "steps": _progress(topic), "resolution": getattr(topic, "resolution", None),
        "disclosures": disclosures.public(topic.area).filter(topic=topic),
        "person": person, "may_take_part": _own_community(request, topic) and topic.state in topics.OPEN,
        "supported": supported, "comment_form": comment_form}, status=status)


def _verified_or_redirect(request):
    person = residents.current(request)
    if person is None:
        messages.info(request, _("请先核验居民身份"))
        return None, redirect(f"{reverse('portal:resident')}?next={request.path}")
    return person, None


def _resident(person) -> actors.ResidentActor:
    """The verified resident acting on the public side (named as 居民 in histories and the audit
    log; the register's record is in the entry's changes)."""
    return actors.ResidentActor(_("居民"), person_id=person.pk)


def topic_new(request):
    person, away = _verified_or_redirect(request)
    if away:
        return away
    community = topics.community_of(person.area_id)
    form = TopicForm(request.POST or None, request.FILES or None, initial={"token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = residents.posted(request, data["token"])
        if done:
            return redirect(done)
        if throttle.exceeded(request, group="portal-topic", rate=settings.GONGZHI_PORTAL_RATE_PER_ADDRESS):
            return render(request, "portal/too_many.html", status=429)
        try:
            topic = topics.propose(actor=_resident(person), area=community, title=data["title"], description=data["description"],
                                   source=TopicSource.RESIDENT, proposer=person, photos=data["photos"])
        except DeliberationError as exc:
            form.add_error(None, str(exc))
        else:
            url = reverse("portal:topic", args=[topic.pk])
            residents.remember_posted(request, data["token"], url)
            messages.success(request, _("议题已提交，等待议事会决定是否受理"))
            return redirect(url)
    return render(request, "portal/topic_new.html", {"form": form, "community": community,
                                                      "masked": mask_name(person.name)})


@cache_control(public=True, max_age=3600)
def topic_photo(request, pk: int, photo: int):
    """A photo of a public topic (stored without metadata); ?size=thumb for the small copy."""
    row = _topic(pk).photos.filter(pk=photo).first()
    if row is None:
        raise Http404
    try:
        if request.GET.get("size") == "thumb":
            response = HttpResponse(case_photos.thumbnail(row), content_type=row.content_type)
        else:
            response = FileResponse(row.image.open("rb"), content_type=row.content_type)
    except FileNotFoundError as exc:
        raise Http404("the photo's file is missing") from exc
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def topic_support(request, pk: int):
    topic = _topic(pk)
    person, away = _verified_or_redirect(request)
    if away:
        return away
    try:
        topics.support(topic=topic, person=person, actor=_resident(person))
    except DeliberationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已附议"))
    return redirect("portal:topic", pk=topic.pk)


@require_POST
def topic_comment(request, pk: int):
    topic = _topic(pk)
    person, away = _verified_or_redirect(request)
    if away:
        return away
    form = CommentForm(request.POST)
    url = reverse("portal:topic", args=[topic.pk])
    if form.is_valid():
        if residents.posted(request, form.cleaned_data["token"]):
            return redirect(url)
        if throttle.exceeded(request, group="portal-comment", rate=settings.GONGZHI_PORTAL_RATE_PER_ADDRESS):
            return render(request, "portal/too_many.html", status=429)
        try:
            topics.comment(topic=topic, text=form.cleaned_data["text"], person=person, actor=_resident(person))
        except DeliberationError as exc:
            form.add_error("text", str(exc))
        else:
            residents.remember_posted(request, form.cleaned_data["token"], url)
            messages.success(request, _("评论已发表"))
            return redirect(f"{url}#comments")
    return _detail_page(request, topic, form, status=400)  # what they wrote stays in the box
