"""The account form: platform rules, mailboxes (000 §11) and never a password (004 Do 3)."""

import pytest

from accounts_register.models import SocialMediaAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, comms, service):
    client.force_login(comms)

    def submit(**changes):
        data = {
            "platform": "x",
            "handle": "@CCDCParks",
            "url": "https://twitter.com/CCDCParks/",
            "display_name": "Parks",
            "service": service.pk,
            "kind": "departmental",
            "admin_mailbox": "parks.social@cannockchasedc.gov.uk",
            "admin_mailbox_is_shared": "on",
            **changes,
        }
        return client.post("/accounts/new/", {k: v for k, v in data.items() if v is not None})

    return submit


def test_a_valid_account_is_stored_normalised(post):
    assert post().status_code == 302
    account = SocialMediaAccount.objects.get()
    assert (account.handle, account.url) == ("CCDCParks", "https://twitter.com/CCDCParks")


@pytest.mark.parametrize("handle", ["ccdcparks", "@CCDCPARKS", "CCDCParks/"])
def test_the_same_handle_in_another_form_is_a_duplicate(post, handle):
    post()
    page = post(handle=handle, url="https://x.com/ccdcparks").content.decode()
    assert "@CCDCParks is already on the register" in page
    assert SocialMediaAccount.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "https://facebook.com/CCDCParks"}, "on twitter.com or x.com"),
        ({"handle": "parks and gardens"}, "1 to 15 letters"),
        ({"admin_mailbox": "parks@gmail.com"}, "council mailbox on @cannockchasedc.gov.uk"),
        ({"admin_mailbox_is_shared": None}, "Confirm the mailbox is a shared mailbox"),
        ({"purpose": "Login details: password: Parks2026!"}, "This looks like a password"),
        ({"display_name": "Parks pwd=hunter2"}, "This looks like a password"),
        ({"platform": "myspace"}, "Select a valid choice"),
        ({"service": "999999"}, "Select a valid choice"),
        ({"launch_date_0": "31", "launch_date_1": "2", "launch_date_2": "2026"}, "must be a real date"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(post, changes, message):
    response = post(**changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not SocialMediaAccount.objects.exists()


def test_a_field_called_password_is_ignored_and_never_stored(post):
    """Only the form's own fields are read: a stray ``password`` is dropped, not stored (004 Do 3)."""
    assert post(password="Parks2026!").status_code == 302
    account = SocialMediaAccount.objects.get()
    assert "Parks2026!" not in str(SocialMediaAccount.objects.filter(pk=account.pk).values().get())


def test_hostile_text_is_stored_as_text_and_escaped(post, client):
    post(display_name='<script>alert("x")</script>')
    account = SocialMediaAccount.objects.get()
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
