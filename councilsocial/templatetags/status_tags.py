"""The tag colour the one status-tag include asks for (``councilsocial.status_tags``)."""

from __future__ import annotations

from django import template

from councilsocial.status_tags import kind_of, tag_class

register = template.Library()


@register.simple_tag
def status_tag_class(of=None, kind: str = "", status=None) -> str:
    """`` govuk-tag--<colour>`` for a record's status (``of``), or for ``status`` of ``kind``."""
    if of not in (None, ""):
        kind = kind or kind_of(of)
        if status in (None, ""):
            status = of.status
    return tag_class(kind, status)


@register.simple_tag
def status_label(of=None, label: str = "") -> str:
    """What the tag says: the label given, else the record's status as people read it."""
    if label:
        return label
    return of.get_status_display() if of not in (None, "") else ""
