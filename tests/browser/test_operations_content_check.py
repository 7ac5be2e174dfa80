"""During purdah an officer checks a draft naming a councillor and sees the advice (003 D10, D4.1).
Screenshot in var/screenshots/content-check-purdah.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from operations.models import PurdahPeriod, WordListEntry, WordListKind
from tests.factories import AccountFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_checks_a_draft_during_purdah(live_server, page, officer, comms, screenshot):
    cache.clear()
    service = ServiceFactory(name="Countryside Service", officers=[officer])
    account = AccountFactory(service=service, handle="chasecountryside")
    today = timezone.localdate()
    PurdahPeriod.objects.create(
        name="County elections",
        elections="Staffordshire County Council",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=10),
        created_by=comms,
    )
    WordListEntry.objects.create(kind=WordListKind.COUNCILLOR, text="Olivia Lyons")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Check a post").click()
    assert "Purdah: County elections" in page.locator(".app-banner--purdah").inner_text()

    page.get_by_label("Your draft post").fill(
        "Olivia Lyons opened the new play area today! Going forward, call Dave on 07700 900123."
    )
    page.get_by_label("Account").select_option(str(account.pk))
    page.get_by_role("button", name="Check the post").click()
    findings = page.locator("#findings")
    codes = findings.locator("[data-code]").evaluate_all("items => items.map(i => i.dataset.code)")
    assert codes == ["personal_data", "names_councillor", "jargon"]
    assert "Policy 003 D10" in findings.inner_text()
    screenshot("content-check-purdah")
