"""The machine path's short middleware stack (GONGZHI_MACHINE_MIDDLEWARE, common/machine.py)
holds every security middleware of the full stack, or says what stands in for it there and the
test checks that this still holds. Every middleware of the full stack is classified below: one
added to MIDDLEWARE fails here until someone decides what the machine path does about it."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from gongzhi.accounts.middleware import OPEN
from gongzhi.cases import open311
from gongzhi.common.middleware import RefuseNulMiddleware

MACHINE_HEADERS = "gongzhi.common.machine.MachineHeadersMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"


def on_machine(path: str) -> bool:
    return path in settings.GONGZHI_MACHINE_MIDDLEWARE


def no_session_or_user() -> bool:
    """The machine path reads no cookie, session or signed-in user: a client names itself with
    its api_key on each request (open311._key), so there is no ambient credential to forge
    (CSRF), no sign-in to lock out (axes), no session to age or second factor to ask for."""
    return not on_machine(SESSION) and not on_machine(AUTHENTICATION) and callable(open311._key)


def nul_refused_by_open311() -> bool:
    """Open311 refuses a NUL itself, in its own error list (open311._check_arguments; tested in
    test_request_bounds); RefuseNulMiddleware passes the machine paths by on the full stack too."""
    request = RequestFactory().get(f"{settings.GONGZHI_MACHINE_PATHS[0]}v2/services.json", {"q": "a\x00b"})
    return RefuseNulMiddleware(lambda r: "passed")(request) == "passed" and callable(open311._check_arguments)


def session_policy_passes_open311() -> bool:
    return all(path in OPEN for path in settings.GONGZHI_MACHINE_PATHS)


# Security-relevant middleware of the full stack: how the machine path holds each. "kept": the
# same middleware is on the machine stack; a dotted path: the middleware that replaces it there;
# a function: the reason it has nothing to do there, checked.
SECURITY = {
    "django.middleware.security.SecurityMiddleware": "kept",  # nosniff, referrer, HSTS, SSL redirect
    "csp.middleware.CSPMiddleware": MACHINE_HEADERS,  # a policy that allows nothing (machine.NOTHING)
    "django.middleware.common.CommonMiddleware": MACHINE_HEADERS,  # the Host checked (ALLOWED_HOSTS)
    "django.middleware.clickjacking.XFrameOptionsMiddleware": MACHINE_HEADERS,  # DENY
    "gongzhi.audit.middleware.AuditContextMiddleware": "kept",  # who and from where, in the audit log
    "gongzhi.common.middleware.RefuseNulMiddleware": nul_refused_by_open311,
    "django.middleware.csrf.CsrfViewMiddleware": no_session_or_user,
    SESSION: no_session_or_user,
    AUTHENTICATION: no_session_or_user,
    "django_otp.middleware.OTPMiddleware": no_session_or_user,
    "gongzhi.accounts.middleware.SessionPolicyMiddleware": session_policy_passes_open311,
    "axes.middleware.AxesMiddleware": no_session_or_user,
}
# The rest of the full stack, and why it guards nothing.
NOT_SECURITY = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "serves static files",
    "gongzhi.common.middleware.LanguageMiddleware": "the interface language",
    "django.contrib.messages.middleware.MessageMiddleware": "flash messages on pages",
}


def unconsidered(full: list[str], machine: list[str]) -> list[str]:
    """What the machine stack lacks: full-stack middleware nobody classified, and security
    middleware neither kept, nor replaced by one on the machine stack, nor shown unneeded."""
    problems = [f"{path}: not classified (security or not?)" for path in full
                if path not in SECURITY and path not in NOT_SECURITY]
    for path in full:
        how = SECURITY.get(path)
        if how == "kept" and path not in machine:
            problems.append(f"{path}: missing from the machine stack")
        elif isinstance(how, str) and how != "kept" and how not in machine:
            problems.append(f"{path}: its replacement {how} is missing from the machine stack")
        elif callable(how) and not how():
            problems.append(f"{path}: {how.__name__} no longer holds")
    return problems


def test_the_machine_stack_holds_every_security_middleware_of_the_full_stack():
    assert unconsidered(settings.MIDDLEWARE, settings.GONGZHI_MACHINE_MIDDLEWARE) == []
    assert set(SECURITY) | set(NOT_SECURITY) == set(settings.MIDDLEWARE), "a classified middleware left the stack"


@pytest.mark.parametrize("change, expect", [
    (lambda full, machine: full.append("example.middleware.NewGuard"), "example.middleware.NewGuard: not classified"),
    (lambda full, machine: machine.remove("gongzhi.audit.middleware.AuditContextMiddleware"),
     "AuditContextMiddleware: missing from the machine stack"),
    (lambda full, machine: machine.remove(MACHINE_HEADERS), "its replacement gongzhi.common.machine"),
    (lambda full, machine: machine.insert(0, SESSION), "no_session_or_user no longer holds"),
])
def test_the_check_sees_a_new_or_dropped_security_middleware(settings, change, expect):
    full, machine = list(settings.MIDDLEWARE), list(settings.GONGZHI_MACHINE_MIDDLEWARE)
    change(full, machine)
    settings.MIDDLEWARE, settings.GONGZHI_MACHINE_MIDDLEWARE = full, machine
    assert any(expect in line for line in unconsidered(full, machine)), unconsidered(full, machine)
