"""The one shape of a state change (STYLE 4–5): lock, check, transition, save, log, tell.

Every service that moves a model's ``FSMField`` calls :func:`run_transition`, so the rules are
the same everywhere: the row is locked; a move its status does not allow, a person without the
transition's ``permission`` and a condition that does not hold are each refused with a plain
message; the transition runs with ``by`` and ``description`` (django-fsm-log records who and why in
``StateLog``); the row is saved; ``after`` writes the outbox messages and anything else that goes
with the change; all in one ``transaction.atomic()``. A second person who moved the row first is
told so in one sentence (:class:`StaleTransition`), never shown an error page.

The base layer: it imports no app. Each app passes its own refusals (the exceptions its pages
already show) where the plain defaults do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django_fsm import ConcurrentTransition, can_proceed

M = TypeVar("M", bound=models.Model)

STALE_MESSAGE = "Someone else changed this first. Look at it again before you try once more."


class StaleTransition(Exception):
    """Someone else moved the row first; ``message`` says so plainly."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else STALE_MESSAGE


def transition_of(instance: models.Model, name: str):
    """The django-fsm transition ``name`` would make from the instance's current status, or None."""
    method = getattr(instance, name)
    meta = method._django_fsm
    return meta.get_transition(meta.field.get_state(instance))


def failed_conditions(instance: models.Model, name: str) -> list[Callable]:
    """The conditions of transition ``name`` that do not hold now (conditions have no side effects)."""
    found = transition_of(instance, name)
    return [condition for condition in (found.conditions or []) if not condition(instance)] if found else []


def _not_possible(instance: models.Model) -> Exception:
    status = instance.get_status_display().lower() if hasattr(instance, "get_status_display") else ""
    return ValidationError(
        f"This {instance._meta.verbose_name} is {status}: it cannot be changed that way now"
        if status
        else f"This {instance._meta.verbose_name} cannot be changed that way now"
    )


def _refused(instance: models.Model) -> Exception:
    return PermissionDenied(f"You do not have permission to change this {instance._meta.verbose_name}")


def _conditions_not_met(instance: models.Model, failed: Sequence[Callable]) -> Exception:
    return ValidationError(f"This {instance._meta.verbose_name} cannot be changed that way yet")


def run_transition(
    *,
    queryset: models.QuerySet[M] | type[M],
    pk: Any,
    name: str,
    by,
    description: str | None = None,
    expected_status: str | None = None,
    not_possible: Callable[[M], Exception] = _not_possible,
    refused: Callable[[M], Exception] = _refused,
    conditions_not_met: Callable[[M, Sequence[Callable]], Exception] = _conditions_not_met,
    prepare: Callable[[M], None] | None = None,
    before_save: Callable[[M], None] | None = None,
    after: Callable[[M], None] | None = None,
    stale: Callable[[str], Exception] = StaleTransition,
    stale_message: str = STALE_MESSAGE,
) -> M:
    """Make transition ``name`` on the row ``pk`` of ``queryset`` (a model or a queryset to lock).

    In order, inside one ``transaction.atomic()``:

    1. lock the row (``select_for_update``); if ``expected_status`` is given (the status the person
       saw) and the row has moved on, raise ``stale(stale_message)``;
    2. a move the current status does not allow: ``not_possible(row)``;
    3. ``by`` does not pass the transition's ``permission``: ``refused(row)`` (``by=None`` is the
       platform or a job: the transition's permission says whether it may);
    4. ``prepare(row)``, then the transition's conditions: ``conditions_not_met(row, failed)``;
    5. ``row.<name>(by=by, description=description)``, ``before_save(row)`` (the fields that go with
       the new status), ``row.save()``, ``after(row)`` (the log beyond ``StateLog``, the outbox).

    A ``ConcurrentTransition`` from the save (someone else's change landed first) becomes
    ``stale(stale_message)``. Returns the saved row.
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        with transaction.atomic():
            row = queryset.select_for_update(of=("self",)).get(pk=pk)
            method = getattr(row, name)
            meta = method._django_fsm
            current = meta.field.get_state(row)
            if expected_status is not None and current != expected_status:
                raise stale(stale_message)
            if not can_proceed(method, check_conditions=False):
                raise not_possible(row)
            if not meta.has_transition_perm(row, current, by):
                raise refused(row)
            if prepare is not None:
                prepare(row)
            failed = failed_conditions(row, name)
            if failed:
                raise conditions_not_met(row, failed)
            method(by=by, description=description or None)
            if before_save is not None:
                before_save(row)
            row.save()
            if after is not None:
                after(row)
            return row
    except ConcurrentTransition as exc:
        raise stale(stale_message) from exc
