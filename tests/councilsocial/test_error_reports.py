"""Error reports hide secrets in every frame, a library's too (issue 14 item 4)."""

from __future__ import annotations

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

# Built at run time, so that the reports' source excerpts (which quote the code) cannot contain them.
APP_PASSWORD = "-".join(["abcd", "2345", "efgh", "6789"])
TOKEN = "".join(["EAAB", "-page-token-", "9f8e7d6c5b4a"])
VERIFIER = "".join(["pkce-verifier-", "0123456789abcdef" * 3])


def a_library_login(login: str, password: str) -> None:
    """Like the AT Protocol SDK's ``login``: not marked ``sensitive_variables``."""
    stored = {"access_token": TOKEN, "handle": login}  # noqa: F841 - a frame variable to report
    code_verifier = VERIFIER  # noqa: F841
    raise RuntimeError("the platform went away")


@pytest.mark.parametrize("debug", [True, False])
def test_the_debug_page_and_error_reports_hide_secrets_in_every_frame(settings, debug):
    settings.DEBUG = debug
    try:
        a_library_login("cannockchasedc.bsky.social", APP_PASSWORD)
    except RuntimeError:
        report = ExceptionReporter(RequestFactory().get("/"), *sys.exc_info())
        html, text = report.get_traceback_html(), report.get_traceback_text()

    for page in (html, text):
        assert "cannockchasedc.bsky.social" in page  # the frame's other variables are still there
        assert APP_PASSWORD not in page and TOKEN not in page and VERIFIER not in page
