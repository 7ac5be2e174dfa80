"""One answer to "what colour is this tag?" for every page (GOV.UK tag colours).

A status is shown the same way everywhere: each app registers the colours of its own statuses (and of
the few other things shown as tags, such as an incident's severity) in its ``AppConfig.ready``, keyed
by the model (``app_label.model``) or a short kind name; the one include,
``templates/includes/status_tag.html``, asks :func:`tag_class`. No template compares a status or
names a colour itself. The base layer imports no app.

``marker`` is for tags that are not a record's status (Overdue, Done, New, …): the page says what the
marker means, this module says its colour.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

#: The GOV.UK Frontend tag colours; no modifier is the default (blue).
COLOURS = frozenset(
    {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow"}
)

#: What a marker means → its colour.
MARKERS = {
    "late": "red",  # overdue, review due, nobody on duty, open governance flags
    "problem": "red",  # a row that cannot be imported, a missing safeguard, removed
    "warning": "orange",  # changed, needs a look
    "in_force": "yellow",  # purdah in force
    "emergency": "red",  # emergency procedures in force
    "to_do": "blue",  # incomplete, an update to make
    "done": "green",  # done, accepted, acknowledged, new, added, OK
    "unchanged": "grey",  # not done, no change, already recorded
}

_COLOURS: dict[str, dict[str, str]] = {"marker": dict(MARKERS)}


def kind_of(model: type[models.Model] | models.Model | str) -> str:
    """The registry's key for a model (``app_label.model``), or the kind name given."""
    return model if isinstance(model, str) else model._meta.label_lower


def register(model: type[models.Model] | str, colours: Mapping[str, str]) -> None:
    """Register the tag colour of each status value (or other value) of ``model``."""
    unknown = set(colours.values()) - COLOURS
    if unknown:
        raise ValueError(f"Not GOV.UK tag colours: {', '.join(sorted(unknown))}")
    _COLOURS.setdefault(kind_of(model), {}).update({str(value): colour for value, colour in colours.items()})


def colour_of(kind: str, value) -> str | None:
    """The registered colour, or None (the default tag)."""
    return _COLOURS.get(kind, {}).get(str(value))


def tag_class(kind: str, value) -> str:
    """The modifier class for the tag (with its leading space), or "" for the default tag."""
    colour = colour_of(kind, value)
    return f" govuk-tag--{colour}" if colour else ""


def registered() -> dict[str, dict[str, str]]:
    """Every registered kind and its colours (for the tests that every status has one)."""
    return {kind: dict(colours) for kind, colours in _COLOURS.items()}
