"""Comparing two versions of an assessment, item by item (pure functions).

Items are matched by their ``key``, which a new version copies from the one it was made from, so
a risk keeps its identity however much its wording or scores change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPARED_FIELDS = (
    ("category", "Category"),
    ("description", "Risk"),
    ("likelihood", "Likelihood"),
    ("impact", "Impact"),
    ("mitigations", "Mitigations"),
    ("residual_likelihood", "Likelihood after mitigation"),
    ("residual_impact", "Impact after mitigation"),
    ("owner", "Owner"),
    ("policy_reference", "Policy paragraph"),
)


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class ItemChange:
    kind: str  # "added", "removed", "changed" or "unchanged"
    old: object = None
    new: object = None
    changes: tuple[FieldChange, ...] = field(default_factory=tuple)

    @property
    def item(self):
        return self.new if self.new is not None else self.old


def _display(item, name):
    if name == "category":
        return item.get_category_display()
    return getattr(item, name)


def compare_items(old_items, new_items) -> list[ItemChange]:
    """What changed from ``old_items`` to ``new_items``: added, removed, changed and unchanged risks.

    A risk removed with a reason in the newer version counts as removed. The result follows the
    newer version's order, with the risks no longer there at the end.
    """
    old_by_key = {item.key: item for item in old_items if not item.is_removed}
    result: list[ItemChange] = []
    seen = set()
    for new in new_items:
        old = old_by_key.get(new.key)
        seen.add(new.key)
        if new.is_removed:
            if old is not None:
                result.append(ItemChange("removed", old=old, new=new))
            continue
        if old is None:
            result.append(ItemChange("added", new=new))
            continue
        changes = tuple(
            FieldChange(name, label, _display(old, name), _display(new, name))
            for name, label in COMPARED_FIELDS
            if getattr(old, name) != getattr(new, name)
        )
        result.append(ItemChange("changed" if changes else "unchanged", old=old, new=new, changes=changes))
    result.extend(ItemChange("removed", old=old) for key, old in old_by_key.items() if key not in seen)
    return result
