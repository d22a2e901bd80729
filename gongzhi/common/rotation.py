"""Key rotation: every sealed value still under an older key is re-sealed under the active one,
in batches, each batch its own transaction, so an interrupted run resumes where it stopped
(values already under the active key are skipped). Models are found by their Sealed
attributes, so a new sealed field is rotated without being listed anywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from . import crypto
from .sealed import Sealed


def sealed_fields() -> Iterator[tuple[type[models.Model], str, Sealed]]:
    for model in apps.get_models():
        for name, attribute in vars(model).items():
            if isinstance(attribute, Sealed):
                yield model, name, attribute


def stale(model: type[models.Model], name: str, active_kid: str):
    column = f"{name}_token"
    return (model._base_manager.exclude(**{column: ""})
            .exclude(**{f"{column}__startswith": f"{active_kid}$"}).filter(~Q(**{column: None})))


def rotate(*, batch: int = 1000, report: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Re-seals under the active key; returns {model.field: values re-sealed}."""
    active = crypto.keyring().active.kid
    done: dict[str, int] = {}
    for model, name, sealed in sealed_fields():
        label = f"{model._meta.label_lower}.{name}"
        column = f"{name}_token"
        count = 0
        while True:
            with transaction.atomic():
                rows = list(stale(model, name, active).select_for_update().order_by("pk")
                            .values_list("pk", column)[:batch])
                if not rows:
                    break
                for pk, token in rows:
                    model._base_manager.filter(pk=pk).update(**{column: crypto.reseal(token, purpose=sealed.purpose)})
                count += len(rows)
            if report:
                report(label, count)
        done[label] = count
    return done


def remaining() -> dict[str, int]:
    active = crypto.keyring().active.kid
    return {f"{m._meta.label_lower}.{n}": stale(m, n, active).count() for m, n, _s in sealed_fields()}
