"""One transition table per workflow, read by a single helper.

A workflow declares its table once::

    TRANSITIONS = {
        (Status.DRAFT, Status.SUBMITTED): Rule(who=is_submitter, action="submit"),
        (Status.SUBMITTED, Status.PUBLISHED): Rule(who=is_editor, action="publish"),
    }

and every state change goes through :func:`transition`, which locks the row, checks the source
state and the actor against the table, saves with ``update_fields`` and writes an
:class:`~ensie_portal.core.models.AuditEntry` (actor, time, from, to, comment).

When two actors make the same move for different reasons (staff take an application off an
agenda; the portal sends it back after a vote without quorum), the pair maps to a tuple of
rules: the first whose ``who`` admits the actor applies, with its own action name.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .errors import TransitionNotAllowed
from .models import AuditEntry


def anyone(actor, obj) -> bool:
    return True


def system_only(actor, obj) -> bool:
    """Transitions made by the portal itself (a vote result, a periodic task)."""
    return actor is None


@dataclass(frozen=True)
class Rule:
    who: Callable[[Any, Any], bool] = anyone
    action: str = ""
    # Extra condition on the object; return a translated reason to refuse, or None.
    check: Callable[[Any], str | None] | None = None
    labels: dict = field(default_factory=dict)


def rules_of(entry: Rule | tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The rules of one table entry (one rule, or several for different actors)."""
    return entry if isinstance(entry, tuple) else (entry,)


def rule_for(entry: Rule | tuple[Rule, ...], actor, obj) -> Rule | None:
    """The rule of ``entry`` that applies to ``actor``, if any."""
    return next((rule for rule in rules_of(entry) if rule.who(actor, obj)), None)


def allowed_targets(*, obj, actor, transitions: dict, state_field: str = "status") -> list[str]:
    """The states ``actor`` may move ``obj`` to now (to show only the possible buttons)."""
    current = getattr(obj, state_field)
    return [
        target
        for (source, target), entry in transitions.items()
        if source == current and rule_for(entry, actor, obj) is not None
    ]


def transition(
    *,
    obj: models.Model,
    to: str,
    actor,
    transitions: dict,
    comment: str = "",
    state_field: str = "status",
    updates: dict | None = None,
    data: dict | None = None,
    on_done: Iterable[Callable[[models.Model], None]] = (),
) -> models.Model:
    """Move ``obj`` to state ``to`` if the table allows it for ``actor``; audited.

    ``updates`` are extra fields saved with the state. ``on_done`` callbacks run inside the
    transaction after the save (queue emails there: the outbox sends after commit).
    Raises :class:`TransitionNotAllowed` with a user-facing message otherwise.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, state_field)
        entry = transitions.get((current, to))
        if entry is None:
            raise TransitionNotAllowed(
                _("This cannot be done now: it is “%(current)s”.")
                % {"current": _display(locked, state_field)}
            )
        rule = rule_for(entry, actor, locked)
        if rule is None:
            raise TransitionNotAllowed(_("You are not allowed to do this."))
        if rule.check is not None:
            reason = rule.check(locked)
            if reason:
                raise TransitionNotAllowed(reason)
        setattr(locked, state_field, to)
        for name, value in (updates or {}).items():
            setattr(locked, name, value)
        fields = [state_field, *(updates or {})]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        audit_record(
            obj=locked,
            actor=actor,
            action=rule.action or f"{current}->{to}",
            from_state=current,
            to_state=to,
            comment=comment,
            data=data,
        )
        for callback in on_done:
            callback(locked)
    # Keep the caller's instance in step with the database.
    for f in model._meta.concrete_fields:
        setattr(obj, f.attname, getattr(locked, f.attname))
    return obj


def audit_record(
    *, obj, actor, action: str, from_state="", to_state="", comment="", data=None
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def audit_trail(obj) -> models.QuerySet:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def _display(obj, state_field: str) -> str:
    getter = getattr(obj, f"get_{state_field}_display", None)
    return str(getter()) if getter else str(getattr(obj, state_field))
