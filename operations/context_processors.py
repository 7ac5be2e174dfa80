"""Banners on every page while an emergency or a purdah period is in force (003 D9, D10)."""

from .services import active_banners


def operations_banners(request) -> dict:
    """The emergency and purdah period in force, for staff who are signed in.

    Read from a 30-second cache (one query when cold). The public pages (the published register)
    show no internal banner and cost no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"operations_banners": {}}
    return {"operations_banners": active_banners()}
