"""The loop from report to rating: who may do what, when, and what it leaves behind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.cases import categories, intake, reporters, workflow
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.common import crypto


@pytest.fixture
def leaf(world):
    categories.load_defaults()
    return Category.objects.get(code="garbage_pileup")


@pytest.fixture
def reported(cast, leaf):
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf,
                         description="桂溪路口垃圾堆放<script>alert(1)</script>", lon=0.25, lat=0.5,
                         reporter_phone="13912345678", idempotency_key="k-1")


def act(cast, who, case, action, **kwargs):
    return workflow.act(actor=getattr(cast, who), case=Case.objects.unscoped().get(pk=case.pk), action=action,
                        **kwargs)


def test_a_report_lands_in_its_grid_with_a_deadline_and_a_tracking_code(reported):
    case = reported.case
    assert case.area_id == "510107001001001" and case.state == "reported" and case.level == "grid"
    assert case.number.startswith("GZ") and len(case.number) == 16
    assert case.due_at > case.reported_at and case.warn_at < case.due_at
    assert case.tracking_code_digest == crypto.digest(reported.tracking_code, kind="tracking_code")
    assert str(case.reporter_phone) == "139****5678" and "13912345678" not in case.reporter_phone_token


def test_a_retried_submission_never_makes_a_second_case(cast, leaf, reported):
    again = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="重试",
                          lon=0.25, lat=0.5, idempotency_key="k-1")
    assert again.case.pk == reported.case.pk and not again.created
    assert Case.objects.unscoped().count() == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lon": 10.0, "lat": 10.0}, "location"),
    ({}, "location"),
    ({"lon": 0.25, "lat": 0.5, "description": " "}, "description"),
    ({"lon": 0.25, "lat": 0.5, "reporter_phone": "12345"}, "reporter_phone"),
])
def test_bad_reports_name_the_field(cast, leaf, kwargs, field):
    kwargs = {"description": "有事", **kwargs}
    with pytest.raises(intake.IntakeError) as err:
        intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, **kwargs)
    assert err.value.field == field


def test_staff_file_cases_only_where_they_work(cast, leaf):
    """A grid worker cannot create a case in the next grid (where they could not see it)."""
    with pytest.raises(intake.IntakeError) as err:
        intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=leaf, description="隔壁网格的事",
                      lon=0.75, lat=0.5)
    assert err.value.field == "location" and "负责" in str(err.value)
    filed = intake.report(source=reporters.staff(cast.city_dispatcher, "hotline"), category=leaf, description="热线来电",
                          lon=0.75, lat=0.5)
    assert filed.case.area_id == "510107001001002"


def test_the_full_loop(cast, departments, reported):
    case = reported.case
    case = act(cast, "dispatcher", case, "accept")
    assert case.state == "accepted" and case.due_at is not None
    case = act(cast, "dispatcher", case, "dispatch", department=departments["s1_city_management"])
    assert case.state == "dispatched" and case.department == departments["s1_city_management"]
    case = act(cast, "handler", case, "handle", note="已清运")
    case = act(cast, "grid_worker", case, "verify")
    case = act(cast, "dispatcher", case, "close")
    assert case.closed_at is not None and case.due_at is None
    case = act(cast, "community_worker", case, "evaluate", satisfaction="satisfied")
    assert case.state == "evaluated" and case.satisfaction == "satisfied"
    trail = list(CaseEvent.objects.filter(case=case).values_list("action", "from_state", "to_state"))
    assert trail == [("report", "", "reported"), ("accept", "reported", "accepted"),
                     ("dispatch", "accepted", "dispatched"), ("handle", "dispatched", "handled"),
                     ("verify", "handled", "verified"), ("close", "verified", "closed"),
                     ("evaluate", "closed", "evaluated")]


def test_illegal_transitions_are_refused_with_a_reason(cast, reported):
    with pytest.raises(workflow.WorkflowError, match="已上报"):
        act(cast, "dispatcher", reported.case, "close")
    with pytest.raises(workflow.WorkflowError, match="说明"):
        act(cast, "dispatcher", reported.case, "reject")
    with pytest.raises(workflow.WorkflowError, match="承办部门"):
        act(cast, "dispatcher", act(cast, "dispatcher", reported.case, "accept"), "dispatch")
    assert Case.objects.unscoped().get(pk=reported.case.pk).state == "accepted"


def test_roles_and_scope(cast, departments, reported):
    with pytest.raises(PermissionDenied):
        act(cast, "grid_worker", reported.case, "accept")  # grid workers report, verify, self-resolve
    with pytest.raises(Http404):
        act(cast, "other_grid_worker", reported.case, "self_resolve")  # not their grid
    with pytest.raises(Http404):
        act(cast, "handler", reported.case, "accept")  # not yet dispatched to the handler's unit
    with pytest.raises(Http404):
        act(cast, "system_admin", reported.case, "accept")  # administrators never see cases


def test_case_history_is_never_edited(reported):
    event = CaseEvent.objects.get(case=reported.case)
    event.note = "改写"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_dispatch_deadline_counts_working_hours(cast, reported, settings):
    case = act(cast, "dispatcher", reported.case, "accept")
    assert case.due_at - case.step_started_at >= dt.timedelta(hours=4)


def test_allowed_actions_follow_role_and_state(cast, reported):
    assert workflow.allowed(cast.dispatcher, reported.case) == ["accept", "reject", "escalate", "supervise", "urge",
                                                                "merge"]
    assert workflow.allowed(cast.grid_worker, reported.case) == ["self_resolve", "escalate"]
    assert workflow.allowed(cast.leader, reported.case) == ["supervise", "urge"]


def test_escalation_goes_up_one_level_at_a_time_and_stops_at_the_district(cast, reported):
    case = act(cast, "grid_worker", reported.case, "escalate", note="网格内无法处置")
    assert (case.level, case.state) == ("community", "accepted")
    case = act(cast, "dispatcher", case, "escalate", note="社区无法处置")
    case = act(cast, "dispatcher", case, "escalate", note="街道无法处置")
    assert case.level == "district"
    with pytest.raises(workflow.WorkflowError, match="不能再上报"):
        act(cast, "dispatcher", case, "escalate", note="再报")


def test_a_wrongly_dispatched_case_goes_back_with_the_reason(cast, departments, reported):
    case = act(cast, "dispatcher", reported.case, "accept")
    case = act(cast, "dispatcher", case, "dispatch", department=departments["s1_city_management"])
    case = act(cast, "handler", case, "return", note="不属于城管职责")
    assert case.state == "accepted" and case.department is None
    with pytest.raises(Http404):  # no longer the handler's unit's case
        act(cast, "handler", case, "handle", note="x")


def test_extensions_are_requested_then_approved(cast, departments, reported):
    case = act(cast, "dispatcher", reported.case, "accept")
    case = act(cast, "dispatcher", case, "dispatch", department=departments["s1_city_management"])
    with pytest.raises(workflow.WorkflowError, match="晚于"):
        act(cast, "handler", case, "request_extension", note="需协调", until=case.due_at)
    later = case.due_at + dt.timedelta(days=3)
    case = act(cast, "handler", case, "request_extension", note="需协调", until=later)
    assert case.due_at != later
    case = act(cast, "dispatcher", case, "approve_extension")
    assert case.due_at == later and case.extension_until is None and case.state == "dispatched"


def test_an_unsatisfied_rating_reopens_and_a_satisfied_one_does_not(cast, departments, reported):
    case = reported.case
    for who, action, kwargs in [("dispatcher", "accept", {}),
                                ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                                ("handler", "handle", {"note": "已处理"}), ("grid_worker", "verify", {}),
                                ("dispatcher", "close", {})]:
        case = act(cast, who, case, action, **kwargs)
    case = act(cast, "dispatcher", case, "evaluate", satisfaction="unsatisfied")
    case = act(cast, "dispatcher", case, "reopen", note="居民不满意，重新处置")
    assert case.state == "accepted" and case.due_at is not None


def test_pressure_from_above_leaves_the_state_and_a_record(cast, reported):
    case = act(cast, "leader", reported.case, "supervise", note="请加快处理")
    assert case.state == "reported"
    assert CaseEvent.objects.filter(case=case, action="supervise", note="请加快处理").exists()
