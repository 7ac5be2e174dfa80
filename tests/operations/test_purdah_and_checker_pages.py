"""Purdah (003 D10), the content checker's page and API (003 D4.1), and photo consent (004 Don't 9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from operations import services as ops
from operations.models import PhotoConsent, PurdahPeriod, WordListEntry, WordListKind

pytestmark = pytest.mark.django_db

DRAFT = "Cllr Adamson opened the new skate park today. See the photos at cannockchasedc.gov.uk/parks"


@pytest.fixture
def purdah_now(comms):
    today = timezone.localdate()
    return ops.purdah_create(
        by=comms,
        name="County elections 2026",
        elections="Staffordshire County Council",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=20),
        instructions="Nothing party political; do not promote individual councillors.",
        now=timezone.now(),
    )


def test_the_purdah_banner_shows_on_every_page_while_in_force(client, officer, purdah_now):
    client.force_login(officer)
    page = client.get("/check-a-post/").content.decode()
    assert "app-banner--purdah" in page and "County elections 2026" in page


def test_no_purdah_banner_outside_a_period(client, comms, officer):
    today = timezone.localdate()
    PurdahPeriod.objects.create(
        created_by=comms,
        name="Past",
        elections="Parish",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
    )
    client.force_login(officer)
    assert "app-banner--purdah" not in client.get("/check-a-post/").content.decode()


@pytest.mark.parametrize("persona", ["officer", "manager", "director"])
def test_only_communications_adds_purdah_periods(request, persona):
    with pytest.raises(PermissionDenied):
        ops.purdah_create(
            by=request.getfixturevalue(persona),
            name="x",
            elections="y",
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 5, 7),
            instructions="x",
            now=timezone.now(),
        )


def test_a_period_that_ends_before_it_starts_is_refused_on_the_page(client, comms):
    client.force_login(comms)
    response = client.post(
        "/operations/purdah/",
        {
            "name": "Backwards",
            "elections": "Parish",
            "starts_on_0": "7",
            "starts_on_1": "5",
            "starts_on_2": "2026",
            "ends_on_0": "1",
            "ends_on_1": "4",
            "ends_on_2": "2026",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert not PurdahPeriod.objects.exists()


def test_the_councillors_list_is_kept_by_communications(client, comms):
    client.force_login(comms)
    client.post(
        "/operations/checker-lists/",
        {
            "councillors": "Olivia Lyons\nTony Johnson\n\n",
            "political": "",
            "jargon": "ward walkabout = visit",
        },
    )
    assert sorted(
        WordListEntry.objects.filter(kind=WordListKind.COUNCILLOR).values_list("text", flat=True)
    ) == ["Olivia Lyons", "Tony Johnson"]
    assert WordListEntry.objects.get(kind=WordListKind.JARGON).suggestion == "visit"


def test_during_purdah_the_checker_warns_about_a_named_councillor(comms, purdah_now):
    ops.word_list_replace(by=comms, kind=WordListKind.COUNCILLOR, lines=["Olivia Lyons"])
    findings = ops.check_draft(
        user=comms, text="Olivia Lyons opened the hub. Find out more online.", now=timezone.now()
    ).findings
    assert [f.code for f in findings] == ["names_councillor"]


def test_outside_purdah_naming_a_councillor_is_fine(comms):
    ops.word_list_replace(by=comms, kind=WordListKind.COUNCILLOR, lines=["Olivia Lyons"])
    assert (
        ops.check_draft(
            user=comms, text="Olivia Lyons opened the hub. Find out more online.", now=timezone.now()
        ).findings
        == []
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("manager", 200), ("comms", 200), ("director", 403), ("outsider", 403)],
)
def test_who_may_use_the_checker_page(client, request, persona, status, service):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/check-a-post/").status_code == status


def test_the_checker_page_shows_each_finding_with_its_policy(client, officer, purdah_now, account):
    client.force_login(officer)
    page = client.post("/check-a-post/", {"text": DRAFT, "account": account.pk}).content.decode()
    assert 'data-code="names_councillor"' in page and "Policy 003 D10" in page


def test_an_empty_draft_gets_a_clear_error(client, officer):
    client.force_login(officer)
    assert "Enter the draft post" in client.post("/check-a-post/", {}).content.decode()


def test_the_api_checks_a_draft_for_an_account(officer, account, purdah_now):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post("/api/content-check/", {"text": DRAFT, "account": account.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["findings"] == [
        {
            "code": "names_councillor",
            "message": "It is purdah: do not name or promote individual councillors.",
            "policy": "003 D10",
            "matches": ["Cllr Adamson"],
        }
    ]


def test_the_api_uses_the_accounts_platform_limit(officer, account):
    api = APIClient()
    api.force_authenticate(officer)
    text = "Find out more at cannockchasedc.gov.uk " + "a" * 300
    codes = [
        f["code"]
        for f in api.post("/api/content-check/", {"text": text, "account": account.pk}, format="json").json()[
            "findings"
        ]
    ]
    assert codes == ["too_long"]


def test_the_api_refuses_an_account_the_person_cannot_see(officer, other_account):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post("/api/content-check/", {"text": "Hello", "account": other_account.pk}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()


@pytest.mark.parametrize(
    ("persona", "status"), [("officer", 200), ("comms", 200), ("director", 403), ("outsider", 403)]
)
def test_who_may_use_the_checker_api(request, persona, status):
    api = APIClient()
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.post("/api/content-check/", {"text": "Visit our site"}, format="json").status_code == status


def test_a_valid_consent_reference_satisfies_the_children_check(officer, service):
    ops.photo_consent_record(
        by=officer,
        reference="PC-2026-014",
        covers="Library summer reading event",
        service=service,
        signed_on=date(2026, 7, 1),
        expires_on=None,
    )
    text = "Our reading challenge winners! Sign up at cannockchasedc.gov.uk/read"
    now = timezone.make_aware(datetime(2026, 8, 1, 12))

    def codes(reference):
        result = ops.check_draft(
            user=officer, text=text, shows_children=True, consent_reference=reference, now=now
        )
        return [f.code for f in result.findings]

    assert codes("pc-2026-014") == []
    assert codes("PC-0") == ["children_without_consent"]


def test_an_expired_consent_does_not_count(officer, service):
    ops.photo_consent_record(
        by=officer,
        reference="PC-1",
        covers="Fun day",
        service=service,
        signed_on=date(2025, 7, 1),
        expires_on=date(2025, 12, 31),
    )
    findings = ops.check_draft(
        user=officer,
        text="Fun day photos: see our website",
        shows_children=True,
        consent_reference="PC-1",
        now=timezone.make_aware(datetime(2026, 8, 1, 12)),
    ).findings
    assert [f.code for f in findings] == ["children_without_consent"]


def test_an_officer_cannot_record_consent_for_another_service(officer, other_service):
    with pytest.raises(PermissionDenied):
        ops.photo_consent_record(
            by=officer,
            reference="PC-2",
            covers="x",
            service=other_service,
            signed_on=date(2026, 1, 1),
            expires_on=None,
        )
    assert not PhotoConsent.objects.exists()


def test_a_duplicate_consent_reference_is_refused_clearly(client, officer, service):
    client.force_login(officer)
    data = {
        "reference": "PC-3",
        "covers": "Fun day",
        "service": service.pk,
        "signed_on_0": "1",
        "signed_on_1": "7",
        "signed_on_2": "2026",
    }
    client.post("/operations/photo-consent/", data)
    page = client.post("/operations/photo-consent/", data).content.decode()
    assert "already recorded" in page and PhotoConsent.objects.count() == 1


def test_the_banners_cost_one_query_then_none_while_cached(comms, purdah_now, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(1):
        banners = ops.active_banners()
    assert banners["purdah"]["name"] == "County elections 2026" and banners["emergency"] is None
    with django_assert_num_queries(0):
        ops.active_banners()


def test_the_public_sees_no_internal_banner(client, purdah_now):
    assert "app-banner--purdah" not in client.get("/sign-in/").content.decode()
