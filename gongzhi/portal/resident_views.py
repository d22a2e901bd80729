"""The resident proves who they are (name, a phone the register holds, a code by SMS) before
they propose, support or comment on a topic. Views parse the forms and call portal.residents."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.common.masking import mask_name
from gongzhi.deliberation import topics

from . import places, residents
from .forms import CodeForm, ResidentForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def resident(request):
    """Step one: name and phone (a code is sent); step two: the code. Then who they are."""
    person = residents.current(request)
    form, code_form = ResidentForm(), CodeForm()
    sent = bool(request.session.get(residents.CHALLENGE))
    spent = ""
    if request.method == "POST" and request.POST.get("step") == "send":
        form = ResidentForm(request.POST)
        if form.is_valid():
            try:
                residents.send_code(request, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                                    within=places.portal_area())
            except residents.ResidentError as exc:
                form.add_error(None, str(exc))
            else:
                sent = True
    elif request.method == "POST" and request.POST.get("step") == "confirm":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                residents.confirm(request, code_form.cleaned_data["code"].strip())
            except residents.ResidentError as exc:
                sent = bool(request.session.get(residents.CHALLENGE))
                if sent:
                    code_form.add_error("code", str(exc))
                else:  # a spent code: the reason shows above the form that gets a new one
                    spent = str(exc)
            else:
                messages.success(request, _("身份核验成功"))
                return redirect(_next(request) or "portal:topics")
    community = topics.community_of(person.area_id) if person else None
    return render(request, "portal/resident.html", {
        "person": person, "masked": mask_name(person.name) if person else "", "community": community,
        "form": form, "code_form": code_form, "sent": sent, "spent": spent, "next": _next(request)})


@require_POST
def leave(request):
    residents.leave(request)
    messages.success(request, _("已退出居民身份"))
    return redirect("portal:home")
