"""A write names who does it: the system with a reason, a resident, or a signed-in account."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.audit import log
from gongzhi.audit.models import AuditEntry
from gongzhi.common import actors


def test_none_and_anonymous_are_refused():
    with pytest.raises(actors.ActorMissing):
        actors.require(None)
    with pytest.raises(actors.ActorMissing):
        actors.require(AnonymousUser())
    with pytest.raises(actors.ActorMissing):
        actors.SystemActor("  ")


@pytest.mark.django_db
def test_system_and_resident_are_named_in_the_audit_log_and_linked_to_no_account():
    log.record("test.system", actor=actors.SystemActor("期限巡检"))
    log.record("test.resident", actor=actors.ResidentActor("反映人", case_number="E1"))
    system, resident = list(AuditEntry.objects.order_by("-id")[:2])[::-1]
    assert (system.actor_id, system.actor_name) == (None, "系统：期限巡检")
    assert (resident.actor_id, resident.actor_name) == (None, "反映人")
    assert actors.user_or_none(actors.SystemActor("x")) is None
    assert not actors.is_staff(actors.ResidentActor("居民"))


# The one writer that takes no actor: the audit log itself, which names what acted (actor_name)
# for entries no service writes (sweeps, the integrity check, a refused portal try).
NO_ACTOR_ALLOWED = {"gongzhi/audit/log.py"}


def _none_actors() -> list[str]:
    """Every `actor=None` passed, and every `actor` parameter defaulting to None, outside tests."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or path.name == "conftest.py" or relative in NO_ACTOR_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found += [f"{relative}:{node.lineno} passes actor=None" for k in node.keywords
                          if k.arg == "actor" and isinstance(k.value, ast.Constant) and k.value.value is None]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                named = [*zip(args.args[len(args.args) - len(args.defaults):], args.defaults, strict=True),
                         *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
                found += [f"{relative}:{node.lineno} {node.name}() lets actor default to None" for arg, default in named
                          if arg.arg == "actor" and isinstance(default, ast.Constant) and default.value is None]
    return found


def test_no_service_takes_actor_none_outside_tests():
    assert _none_actors() == []
