"""seed_demo: the Cannock Chase Council demo, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts_register.models import (
    AccountStatus,
    AuthorisedUser,
    Committee,
    Directorate,
    Service,
    SocialMediaAccount,
)
from accounts_register.platforms import Platform
from councilsocial.management.commands.seed_demo import ACCOUNTS

MODELS = [get_user_model(), Directorate, Service, Committee, SocialMediaAccount, AuthorisedUser]


def snapshot():
    """Every row of the demo's tables, as plain values."""
    return {model.__name__: sorted(map(str, model.objects.values_list())) for model in MODELS}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_running_twice_leaves_the_same_data(debug_on):
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())

    assert snapshot() == first
    assert SocialMediaAccount.objects.count() == len(ACCOUNTS) == 10


@pytest.mark.django_db
def test_the_cannock_chase_accounts_of_the_policy_are_on_the_register(debug_on):
    call_command("seed_demo", stdout=StringIO())

    on_register = {
        (a.platform, a.handle, a.kind, a.service.name, a.followers)
        for a in SocialMediaAccount.objects.select_related("service")
    }
    # 003 §5.7, followers as at 28 January 2020.
    assert (Platform.X, "CannockChaseDC", "corporate", "Policy and Communications", 8756) in on_register
    assert (Platform.X, "CCDCYourVoice", "corporate", "Policy and Communications", 223) in on_register
    assert (Platform.X, "ccdc_sbc", "departmental", "Building Control", 32) in on_register
    assert (Platform.X, "ccdcpartnership", "departmental", "Community Safety", 376) in on_register
    assert (
        Platform.INSTAGRAM,
        "visitcannockchase",
        "departmental",
        "Economic Development",
        693,
    ) in on_register
    assert (
        Platform.FACEBOOK,
        "cannockchasedc",
        "corporate",
        "Policy and Communications",
        5029,
    ) in on_register
    assert set(SocialMediaAccount.objects.values_list("status", flat=True)) == {AccountStatus.ACTIVE}


@pytest.mark.django_db
def test_it_prints_a_sign_in_for_every_role(debug_on):
    out = StringIO()
    call_command("seed_demo", "--password", "a-demo-password-for-tests", stdout=out)

    for username in ["officer", "manager", "director", "comms", "admin"]:
        assert f"username: {username}" in out.getvalue()
        assert get_user_model().objects.get(username=username).check_password("a-demo-password-for-tests")


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=true"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="comms").exists()
