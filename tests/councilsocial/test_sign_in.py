"""Signing in, signing out and resetting a password."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory


@pytest.mark.django_db
def test_pages_need_sign_in(client):
    # "/" is the public start page (issue 13); the register list is one of the staff pages.
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_a_wrong_password_is_reported_in_the_error_summary(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "not it"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page
    assert "<title>Error: Sign in" in page


@pytest.mark.django_db
def test_empty_fields_are_named_in_the_error_summary(client):
    page = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


@pytest.mark.django_db
def test_signing_in_leads_home(client, officer, service):
    response = client.post(
        "/sign-in/", {"username": "officer", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Countryside Service" in response.content.decode()


@pytest.mark.django_db
def test_signing_out_needs_a_post(client, officer):
    client.force_login(officer)
    assert client.get("/sign-out/").status_code == 405
    client.post("/sign-out/")
    assert client.get("/accounts/").status_code == 302


@pytest.mark.django_db
def test_a_password_reset_link_arrives_by_email_and_works(client):
    UserFactory(username="forgetful", email="forgetful@cannockchasedc.gov.uk")
    client.post("/password-reset/", {"email": "forgetful@cannockchasedc.gov.uk"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a much longer new password", "new_password2": "a much longer new password"},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    signed_in = client.post("/sign-in/", {"username": "forgetful", "password": "a much longer new password"})
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post("/password-reset/", {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
