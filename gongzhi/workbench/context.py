"""What the workbench's navigation needs on every page: which parts this user works in."""

from gongzhi.accounts import scoping
from gongzhi.cases.models import CASE_ROLES
from gongzhi.cases.overview import COMMAND_ROLES
from gongzhi.deliberation.models import DELIBERATION_ROLES
from gongzhi.registry import import_kinds

from .mygrid import PATROL_ROLES


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = scoping.roles(user)
    return {"works_cases": bool(roles & CASE_ROLES), "commands": bool(roles & COMMAND_ROLES),
            "patrols": bool(roles & PATROL_ROLES), "deliberates": bool(roles & DELIBERATION_ROLES),
            "imports": bool(import_kinds.allowed(user))}
