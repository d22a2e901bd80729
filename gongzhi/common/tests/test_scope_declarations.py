"""Every model says how its rows are read: scoped by area itself, read through a scoped parent
(events, photos, meetings, votes, ballots, tasks, disclosure items, routing rules …), or
belonging to no area for a stated reason. A new model that says none of these fails here."""

import pytest
from django.apps import apps

from gongzhi.accounts import scoping
from gongzhi.common.scoped import ScopedModel, declaration, parent_model

MODELS = [m for m in apps.get_models() if m.__module__.startswith("gongzhi.")]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_each_model_declares_how_its_rows_are_read(model):
    kind = declaration(model)
    assert kind, f"{model._meta.label}: a ScopedModel, or read_through = 'parent', or scope_exempt = 'why'"
    assert not (getattr(model, "read_through", "") and getattr(model, "scope_exempt", "")), "one declaration"
    if kind == "read_through":
        assert issubclass(parent_model(model), ScopedModel), f"{model.read_through} ends at no scoped parent"
    if kind == "scope_exempt":
        assert len(model.scope_exempt) > 10  # a reason, not a flag


def test_the_children_the_issue_names_are_read_through_their_parents():
    for label in ("cases.CaseEvent", "cases.CasePhoto", "cases.RoutingRule", "deliberation.Meeting",
                  "deliberation.Vote", "deliberation.SecretBallot", "deliberation.ResolutionTask",
                  "deliberation.DisclosureItem", "deliberation.TopicStep", "deliberation.Attendance"):
        assert declaration(apps.get_model(label)) == "read_through", label


@pytest.mark.django_db
def test_a_child_is_read_where_its_parent_is(cast):
    from gongzhi.cases import categories, intake, reporters
    from gongzhi.cases.models import CaseEvent, Category

    categories.load_defaults()
    intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"),
                  category=Category.objects.get(code="garbage_pileup"), description="楼道堆物", lon=0.25, lat=0.5)
    assert scoping.through(CaseEvent.objects.all(), cast.grid_worker).count() == 1
    assert scoping.through(CaseEvent.objects.all(), cast.other_grid_worker).count() == 0
    assert scoping.through(CaseEvent.objects.all(), cast.system_admin).count() == 0
    categories.forget()
