"""Sessions that end after a period of inactivity, without a database write on every request."""

from __future__ import annotations

import time

from django.conf import settings

TOUCH_EVERY_SECONDS = 300


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
