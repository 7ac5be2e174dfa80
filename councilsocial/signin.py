"""Sign-in protection helpers for django-axes (settings: "Sign-in protection")."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The address a sign-in attempt came from, for the lock-out of a username from one address.

    Behind the council's reverse proxy (``BEHIND_PROXY``) every request arrives from the proxy, so
    the client is the last address the proxy appended to ``X-Forwarded-For`` — the right-most one;
    any addresses to its left were sent by the client and cannot be trusted. Otherwise it is the
    connection's own address.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
