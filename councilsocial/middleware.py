"""Request-wide safeguards: idle sessions, and web addresses carrying characters no page can use."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

TOUCH_EVERY_SECONDS = 300
NUL_REFUSED = "The address you used contains a character that is not allowed"


class IdleSessionMiddleware:
    """Extend a signed-in session at most every five minutes, so it ends after
    ``SESSION_COOKIE_AGE`` seconds of inactivity (give or take five minutes).

    Marking the session modified makes Django save it and send a fresh cookie expiry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            last = session.get("_last_touch", 0)
            if now - last >= min(TOUCH_EVERY_SECONDS, settings.SESSION_COOKIE_AGE // 4 or 1):
                session["_last_touch"] = now
        return self.get_response(request)


def has_nul(request) -> bool:
    """Whether the path or any query parameter's name or value holds a NUL character."""
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    """Answer 400 with a plain page when the web address holds a NUL character (issue 11 item 13).

    No search, filter or page can use one, and PostgreSQL refuses NUL in text, so a view that passed
    it to the database would fail with a server error. Refusing it here, before any view runs, covers
    every page at once, signed in or not (the API answers in JSON). Form fields refuse NUL
    themselves (Django's CharField).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": f"{NUL_REFUSED} (a NUL character)."}, status=400)
            return render(request, "councilsocial/bad_query.html", status=400)
        return self.get_response(request)
