"""The intake fast path writes a case and its first event in one raw statement on PostgreSQL
(intake._file: bulk.insert_sql, never Model.save), so a save() override or a model-signal
receiver on Case or CaseEvent would run on SQLite and in every other write, and be skipped
silently for the platform's busiest one. These tests keep it so: a hook added to either model
fails here until it is moved into intake (or the fast path is given up for it)."""

import inspect
import textwrap

from django.db import models
from django.db.models import signals

from gongzhi.cases.models import Case, CaseEvent

GUARDED = (Case, CaseEvent)
MODEL_SIGNALS = ("pre_save", "post_save", "pre_delete", "post_delete")
# Overrides that were considered. CaseEvent.save refuses an edit; an insert (all intake does)
# passes straight to Model.save, so the raw insert skips nothing. Its body is pinned: a change
# to it must be weighed again against the fast path.
CONSIDERED = {
    (CaseEvent, "save"): '''
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("case events are never edited")
        super().save(*args, **kwargs)
''',
}


def _text(source: str) -> str:
    return textwrap.dedent(source).strip()


def _m2m_senders(model) -> list:
    """m2m_changed is sent with the through model as sender."""
    return [f.remote_field.through for f in model._meta.local_many_to_many]


def hooks_the_fast_path_would_skip() -> list[str]:
    """What runs on a save through the ORM but not on intake's raw insert, for the guarded models."""
    found = []
    for model in GUARDED:
        for name in ("save", "save_base"):
            own = getattr(model, name) is not getattr(models.Model, name)
            if not own:
                continue
            pinned = CONSIDERED.get((model, name))
            if pinned is None or _text(inspect.getsource(getattr(model, name))) != _text(pinned):
                found.append(f"{model.__name__}.{name}() is overridden")
        for name in MODEL_SIGNALS:
            if getattr(signals, name).has_listeners(model):
                found.append(f"{name} has a receiver for {model.__name__}")
        for through in _m2m_senders(model):
            if signals.m2m_changed.has_listeners(through):
                found.append(f"m2m_changed has a receiver for {through.__name__}")
    return found


def test_case_and_case_event_have_no_save_override_or_signal_receiver():
    assert hooks_the_fast_path_would_skip() == []


def test_the_guard_sees_a_receiver_for_one_model_or_for_all():
    def hook(**kwargs):
        pass

    for signal, sender, expect in ((signals.post_save, CaseEvent, "post_save has a receiver for CaseEvent"),
                                   (signals.pre_save, None, "pre_save has a receiver for Case"),
                                   (signals.m2m_changed, Case.people.through, "m2m_changed has a receiver for")):
        signal.connect(hook, sender=sender, weak=False, dispatch_uid="guard-test")
        try:
            assert any(expect in line for line in hooks_the_fast_path_would_skip()), expect
        finally:
            signal.disconnect(sender=sender, dispatch_uid="guard-test")
    assert hooks_the_fast_path_would_skip() == []


def test_the_guard_sees_a_changed_override(monkeypatch):
    def save(self, *args, **kwargs):
        super(Case, self).save(*args, **kwargs)

    monkeypatch.setattr(Case, "save", save, raising=False)
    assert hooks_the_fast_path_would_skip() == ["Case.save() is overridden"]
    monkeypatch.setitem(CONSIDERED, (CaseEvent, "save"), "def save(self): pass\n")
    assert "CaseEvent.save() is overridden" in hooks_the_fast_path_would_skip()
