"""The public register (000 §24): active accounts only, six public fields only, and the check page."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts_register.models import AccountKind, AccountStatus
from accounts_register.platforms import Platform
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PRIVATE_VALUES = [
    "socialmedia-private@cannockchasedc.gov.uk",
    "Vault: Comms / X corporate",
    "Recovery held by J Bloggs",
    "Internal: do not publish",
]


@pytest.fixture
def accounts(service):
    """The corporate X account (active, with every private field filled in) and a closed one."""
    active = AccountFactory(
        platform=Platform.X,
        handle="CannockChaseDC",
        url="https://x.com/CannockChaseDC",
        display_name="Cannock Chase Council",
        service=service,
        kind=AccountKind.CORPORATE,
        admin_mailbox=PRIVATE_VALUES[0],
        vault_reference=PRIVATE_VALUES[1],
        recovery_contact=PRIVATE_VALUES[2],
        internal_notes=PRIVATE_VALUES[3],
        purpose="Private purpose text",
    )
    closed = AccountFactory(
        platform=Platform.FACEBOOK,
        handle="oldccdcpage",
        url="https://www.facebook.com/oldccdcpage",
        service=service,
        status=AccountStatus.CLOSED,
    )
    proposed = AccountFactory(
        platform=Platform.INSTAGRAM, handle="ccdc_proposed", service=service, status=AccountStatus.PROPOSED
    )
    return {"active": active, "closed": closed, "proposed": proposed}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _csv_rows(response):
    data = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data, newline="")))


def test_the_json_has_exactly_the_public_keys(client, accounts):
    data = client.get(reverse("public-register-json")).json()

    assert set(data) == {"council", "generated_at", "count", "accounts"}
    assert data["count"] == 1
    assert data["accounts"] == [
        {
            "platform": "x",
            "handle": "@CannockChaseDC",
            "url": "https://x.com/CannockChaseDC",
            "display_name": "Cannock Chase Council",
            "service": "Countryside Service",
            "kind": "corporate",
        }
    ]


def test_the_csv_header_is_exactly_the_public_fields(client, accounts):
    rows = _csv_rows(client.get(reverse("public-register-csv")))

    assert rows[0] == ["Platform", "Handle (without @)", "Link", "Display name", "Owning service", "Kind"]
    assert rows[1:] == [
        [
            "X (Twitter)",
            "CannockChaseDC",
            "https://x.com/CannockChaseDC",
            "Cannock Chase Council",
            "Countryside Service",
            "Corporate",
        ]
    ]


@pytest.mark.parametrize("name", ["public-register", "public-register-json", "public-register-csv"])
def test_no_private_field_ever_appears(client, accounts, name, officer):
    from accounts_register.models import AuthorisedUser

    AuthorisedUser.objects.create(
        account=accounts["active"],
        person=officer,
        role="owner",
        granted_by=officer,
        granted_at="2026-01-01T00:00Z",
    )
    response = client.get(reverse(name))
    content = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
        "utf-8-sig"
    )

    for value in [*PRIVATE_VALUES, "Private purpose text", officer.username, officer.get_full_name()]:
        assert value not in content


@pytest.mark.parametrize("name", ["public-register", "public-register-json", "public-register-csv"])
def test_only_active_accounts_are_listed(client, accounts, name):
    response = client.get(reverse(name))
    content = (b"".join(response.streaming_content) if response.streaming else response.content).decode()

    assert "CannockChaseDC" in content
    assert "oldccdcpage" not in content
    assert "ccdc_proposed" not in content


@pytest.mark.parametrize("name", ["public-register", "public-register-json", "public-register-csv"])
def test_the_register_needs_no_sign_in(client, accounts, name):
    assert client.get(reverse(name)).status_code == 200


def test_the_page_groups_accounts_by_platform(client, service):
    AccountFactory(platform=Platform.X, handle="ccdc_b", service=service)
    AccountFactory(
        platform=Platform.INSTAGRAM, handle="ccdc_a", url="https://www.instagram.com/ccdc_a", service=service
    )

    content = client.get(reverse("public-register")).content.decode()

    assert content.index(
        '<caption class="govuk-table__caption govuk-table__caption--m">Instagram'
    ) < content.index('<caption class="govuk-table__caption govuk-table__caption--m">X (Twitter)')
    assert 'id="platform-instagram"' in content


@pytest.mark.parametrize("count", [10, 1000])
def test_the_json_runs_a_fixed_number_of_queries(client, service, count, django_assert_max_num_queries):
    AccountFactory.create_batch(count, service=service)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("public-register-json"))

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [10, 1000])
def test_the_page_and_csv_run_a_fixed_number_of_queries(
    client, service, count, django_assert_max_num_queries
):
    AccountFactory.create_batch(count, service=service)

    # The page: the version, the accounts, and the site-wide banners of base.html.
    with django_assert_max_num_queries(5):
        client.get(reverse("public-register"))
    with django_assert_max_num_queries(2):
        assert len(_csv_rows(client.get(reverse("public-register-csv")))) == count + 1


@pytest.mark.parametrize("name", ["public-register", "public-register-json", "public-register-csv"])
def test_a_suspended_account_leaves_the_register_at_once(client, accounts, comms, name):
    from accounts_register.services import account_change_status

    client.get(reverse(name))  # the register is now cached
    account_change_status(account=accounts["active"], transition="suspend", by=comms, reason="Hacked")

    response = client.get(reverse(name))
    content = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    assert "CannockChaseDC" not in content


# --- The check page -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "@CannockChaseDC",
        "cannockchasedc",
        "https://twitter.com/CannockChaseDC/",
        "x.com/cannockchasedc",
        "  @CANNOCKCHASEDC  ",
    ],
)
def test_the_check_finds_the_account_however_it_is_written(client, accounts, query):
    response = client.get(reverse("public-register-check"), {"q": query})

    assert response.context["result"].official
    assert "Yes, this is an official council account" in response.content.decode()


def test_an_address_on_another_platform_is_not_the_account(client, accounts):
    response = client.get(reverse("public-register-check"), {"q": "https://www.instagram.com/CannockChaseDC"})

    assert not response.context["result"].official


@pytest.mark.parametrize("query", ["@CannockChaseDC_", "https://twitter.com/CannockChaseDCC", "oldccdcpage"])
def test_an_unknown_or_closed_account_is_not_official_and_the_page_says_how_to_report_it(
    client, accounts, query
):
    response = client.get(reverse("public-register-check"), {"q": query})
    content = response.content.decode()

    assert not response.context["result"].official
    assert "is not an official council account" in content
    assert "How to report an impostor" in content
    assert "mailto:" in content


def test_the_report_advice_names_the_platform_of_an_address(client, accounts):
    content = client.get(
        reverse("public-register-check"), {"q": "https://x.com/CannockChaseDC_fake"}
    ).content.decode()

    assert "Report it to X (Twitter)" in content


def test_a_blog_is_found_by_its_address(client, service):
    AccountFactory(
        platform=Platform.BLOG, handle="news", url="https://news.cannockchasedc.gov.uk", service=service
    )

    response = client.get(reverse("public-register-check"), {"q": "https://news.cannockchasedc.gov.uk/"})

    assert response.context["result"].official


def test_an_empty_check_shows_an_error_not_a_crash(client):
    response = client.get(reverse("public-register-check"), {"q": "   "})

    assert response.status_code == 200
    assert "Enter a handle or web address to check" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()


def test_the_check_page_without_a_query_shows_the_form_only(client):
    response = client.get(reverse("public-register-check"))

    assert response.status_code == 200
    assert response.context["result"] is None


# --- Look-alike handles and addresses (issue 11 item 12) ----------------------------------------
@pytest.fixture
def lookalike_targets(accounts, service):
    """The accounts impostors imitate: the corporate X account, the visitor Instagram and a blog."""
    AccountFactory(
        platform=Platform.INSTAGRAM,
        handle="visitcannockchase",
        url="https://www.instagram.com/visitcannockchase",
        service=service,
    )
    AccountFactory(
        platform=Platform.BLOG, handle="news", url="https://news.cannockchasedc.gov.uk", service=service
    )
    return accounts


@pytest.mark.parametrize(
    "query",
    [
        "@CannockChaſeDC",  # long s
        "CANNOCKCHAſEDC",
        "@vısıtcannockchase",  # dotless i
        "https://x.com/CannockChaſeDC",
        "https://www.instagram.com/vısıtcannockchase",
        "@Cannock\u200bChaseDC",  # zero-width space
        "@CannockChaseDC\u200d",  # zero-width joiner
        "@ⅭannockChaseDC",  # Roman numeral one hundred
        "@СannockChaseDC",  # Cyrillic capital es
        "@\uff23annockChaseDC",  # fullwidth C
        "https://news.cannockchaſedc.gov.uk",  # long s in the host
        "https://news.cannockchаsedc.gov.uk/",  # Cyrillic a in the host
        "https://news.xn--cannockchsedc-41k.gov.uk/",  # the same, as punycode
        "https://х.com/CannockChaseDC",  # Cyrillic ha in the host
    ],
)
def test_a_lookalike_is_not_an_official_account(client, lookalike_targets, query):
    response = client.get(reverse("public-register-check"), {"q": query})
    content = response.content.decode()

    assert response.status_code == 200
    assert not response.context["result"].official
    assert "Yes, this is an official council account" not in content
    assert "is not an official council account" in content
    assert "only look like ordinary letters" in content
    assert "How to report an impostor" in content


@pytest.mark.parametrize(
    "query",
    [
        "@visitcannockchase",
        "https://www.instagram.com/VisitCannockChase",
        "https://news.cannockchasedc.gov.uk",
    ],
)
def test_the_real_accounts_are_still_found(client, lookalike_targets, query):
    response = client.get(reverse("public-register-check"), {"q": query})

    assert response.context["result"].official
    assert "only look like ordinary letters" not in response.content.decode()


@pytest.mark.parametrize("query", ["https://[", "https://x.com\uff03@evil.example/", "http://%zz"])
def test_a_broken_address_is_a_clear_error_not_a_crash(client, query):
    response = client.get(reverse("public-register-check"), {"q": query})

    assert response.status_code == 200
    assert not response.context["result"].official
