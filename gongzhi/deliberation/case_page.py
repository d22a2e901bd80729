"""Deliberation's part of the case page (added to cases/page_parts.py in apps.py): for the
deliberation roles, the topic the case became; for keepers, until then, the form that refers
it to one (posted to `views.from_case`)."""

from __future__ import annotations

from typing import Any

from gongzhi.accounts import scoping

from .models import DELIBERATION_ROLES, Topic
from .scope import KEEPERS


def part(request: Any, case: Any) -> tuple[str, dict[str, Any]] | None:
    roles = scoping.roles(request.user)
    if not roles & DELIBERATION_ROLES:
        return None
    # The link is the case's own fact, shown whatever the topic's community (as the case's field was).
    topic = Topic.objects.unscoped().filter(case=case).first()
    return "deliberation/_case_part.html", {"topic": topic, "keeps": bool(roles & KEEPERS)}
