import pytest

from accounts_register.platforms import Platform
from tests.factories import AccountFactory


@pytest.fixture
def account(service):
    return AccountFactory(
        platform=Platform.X,
        handle="CCDCCountryside",
        url="https://x.com/CCDCCountryside",
        display_name="Countryside Service",
        service=service,
    )


@pytest.fixture
def other_account(other_service):
    return AccountFactory(handle="ccdcpartnership", display_name="Community Safety", service=other_service)
