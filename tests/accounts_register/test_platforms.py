"""Handles and web addresses must fit their platform, and are stored in one normal form."""

import pytest
from django.core.exceptions import ValidationError

from accounts_register.platforms import Platform, normalise_handle, normalise_url, parse_reference

VALID_HANDLES = [
    (Platform.X, "@CannockChaseDC", "CannockChaseDC"),
    (Platform.X, " ccdc_sbc/ ", "ccdc_sbc"),
    (Platform.FACEBOOK, "cannockchasedc", "cannockchasedc"),
    (
        Platform.FACEBOOK,
        "Cannock-Chase-Council-Countryside-Service-111298768960981",
        "Cannock-Chase-Council-Countryside-Service-111298768960981",
    ),
    (Platform.INSTAGRAM, "@visit.cannock_chase", "visit.cannock_chase"),
    (Platform.YOUTUBE, "@CannockChaseDC", "CannockChaseDC"),
    (Platform.YOUTUBE, "UC1234567890abcdefghijkl", "UC1234567890abcdefghijkl"),
    (Platform.LINKEDIN, "cannock-chase-district-council", "cannock-chase-district-council"),
    (Platform.TIKTOK, "@cannockchasedc", "cannockchasedc"),
    (Platform.THREADS, "@cannockchasedc", "cannockchasedc"),
    (Platform.BLUESKY, "@cannockchasedc.bsky.social", "cannockchasedc.bsky.social"),
    (Platform.NEXTDOOR, "cannock-chase-council", "cannock-chase-council"),
    (Platform.WHATSAPP, "0029VaABCDEFGHIJ12345678", "0029VaABCDEFGHIJ12345678"),
    (Platform.FLICKR, "12345678@N02", "12345678@N02"),
    (Platform.BLOG, "countryside-news", "countryside-news"),
    (Platform.FORUM, "residents-forum", "residents-forum"),
    (Platform.OTHER, "podcast", "podcast"),
]

INVALID_HANDLES = [
    (Platform.X, "this_handle_is_too_long", "1 to 15 letters"),
    (Platform.X, "cannock chase", "1 to 15 letters"),
    (Platform.X, "ccdc-sbc", "1 to 15 letters"),
    (Platform.FACEBOOK, "cannock chase", "page's name"),
    (Platform.INSTAGRAM, "a" * 31, "1 to 30"),
    (Platform.INSTAGRAM, "visit-cannock", "1 to 30"),
    (Platform.YOUTUBE, "ab", "channel's handle"),
    (Platform.LINKEDIN, "a", "company page"),
    (Platform.TIKTOK, "a", "2 to 24"),
    (Platform.THREADS, "bad handle!", "Instagram"),
    (Platform.BLUESKY, "nodot", "domain name"),
    (Platform.NEXTDOOR, "bad/slash", "agency page"),
    (Platform.WHATSAPP, "short", "channel's ID"),
    (Platform.FLICKR, "bad name!", "/photos/"),
    (Platform.BLOG, "has spaces", "no spaces"),
    (Platform.X, "", "Enter the account's handle"),
    (Platform.X, "@", "Enter the account's handle"),
]

VALID_URLS = [
    (Platform.X, "https://twitter.com/CannockChaseDC/", "https://twitter.com/CannockChaseDC"),
    (Platform.X, "x.com/ccdc_sbc", "https://x.com/ccdc_sbc"),
    (Platform.FACEBOOK, "https://www.facebook.com/cannockchasedc", "https://www.facebook.com/cannockchasedc"),
    (
        Platform.FACEBOOK,
        "https://m.facebook.com/profile.php?id=111298768960981",
        "https://m.facebook.com/profile.php?id=111298768960981",
    ),
    (
        Platform.INSTAGRAM,
        "https://instagram.com/visitcannockchase/",
        "https://instagram.com/visitcannockchase",
    ),
    (Platform.YOUTUBE, "https://www.youtube.com/@CannockChaseDC", "https://www.youtube.com/@CannockChaseDC"),
    (Platform.YOUTUBE, "https://youtube.com/user/CannockChaseDC", "https://youtube.com/user/CannockChaseDC"),
    (
        Platform.LINKEDIN,
        "https://www.linkedin.com/company/cannock-chase-district-council/",
        "https://www.linkedin.com/company/cannock-chase-district-council",
    ),
    (Platform.TIKTOK, "https://www.tiktok.com/@cannockchasedc", "https://www.tiktok.com/@cannockchasedc"),
    (Platform.THREADS, "https://www.threads.net/@cannockchasedc", "https://www.threads.net/@cannockchasedc"),
    (
        Platform.BLUESKY,
        "https://bsky.app/profile/cannockchasedc.bsky.social",
        "https://bsky.app/profile/cannockchasedc.bsky.social",
    ),
    (
        Platform.NEXTDOOR,
        "https://nextdoor.co.uk/agency-detail/england/cannock/cannock-chase-council/",
        "https://nextdoor.co.uk/agency-detail/england/cannock/cannock-chase-council",
    ),
    (
        Platform.WHATSAPP,
        "https://whatsapp.com/channel/0029VaABCDEFGHIJ12345678",
        "https://whatsapp.com/channel/0029VaABCDEFGHIJ12345678",
    ),
    (
        Platform.FLICKR,
        "https://www.flickr.com/photos/cannockchase/",
        "https://www.flickr.com/photos/cannockchase",
    ),
    (Platform.BLOG, "https://news.cannockchasedc.gov.uk/", "https://news.cannockchasedc.gov.uk"),
    (Platform.X, "HTTPS://TWITTER.COM/CannockChaseDC", "https://twitter.com/CannockChaseDC"),
]

INVALID_URLS = [
    (Platform.FACEBOOK, "https://twitter.com/CannockChaseDC", "on facebook.com"),
    (Platform.X, "https://x.com.evil.example/CannockChaseDC", "on twitter.com or x.com"),
    (Platform.INSTAGRAM, "https://facebook.com/cannockchasedc", "on instagram.com"),
    (Platform.YOUTUBE, "https://www.youtube.com/watch?v=abc", "not of a post"),
    (Platform.LINKEDIN, "https://www.linkedin.com/in/someone", "not of a post"),
    (Platform.TIKTOK, "https://www.tiktok.com/tag/cannock", "not of a post"),
    (Platform.X, "javascript:alert(1)", "https://"),
    (Platform.X, "ftp://x.com/CannockChaseDC", "https://"),
    (Platform.X, "https://user:secret@x.com/CannockChaseDC", "user name or password"),
    (Platform.WHATSAPP, "https://whatsapp.com/", "not of a post"),
]


@pytest.mark.parametrize(("platform", "typed", "stored"), VALID_HANDLES)
def test_a_valid_handle_is_stored_normalised(platform, typed, stored):
    assert normalise_handle(platform, typed) == stored


@pytest.mark.parametrize(("platform", "typed", "message"), INVALID_HANDLES)
def test_an_invalid_handle_is_refused_with_the_platforms_rule(platform, typed, message):
    with pytest.raises(ValidationError, match=message):
        normalise_handle(platform, typed)


@pytest.mark.parametrize(("platform", "typed", "stored"), VALID_URLS)
def test_a_valid_address_is_stored_normalised(platform, typed, stored):
    assert normalise_url(platform, typed) == stored


@pytest.mark.parametrize(("platform", "typed", "message"), INVALID_URLS)
def test_an_address_not_on_the_platform_is_refused(platform, typed, message):
    with pytest.raises(ValidationError, match=message):
        normalise_url(platform, typed)


def test_every_platform_offered_has_a_valid_and_an_invalid_handle_case():
    assert {p for p, *_ in VALID_HANDLES} == set(Platform.values)
    assert {p for p, *_ in INVALID_HANDLES} >= set(Platform.values) - {Platform.FORUM, Platform.OTHER}


@pytest.mark.parametrize(
    "typed",
    ["@CannockChaseDC", "cannockchasedc", "https://twitter.com/CannockChaseDC/", "x.com/cannockchasedc"],
)
def test_references_to_the_same_account_parse_to_the_same_handle(typed):
    platform, handle = parse_reference(typed)
    assert handle.lower() == "cannockchasedc"
    assert platform in (None, Platform.X)


@pytest.mark.parametrize("typed", ["", "   ", "https://example.com/CannockChaseDC", "https://"])
def test_unusable_references_parse_to_nothing_useful(typed):
    platform, handle = parse_reference(typed)
    assert platform is None
    assert handle in ("", typed.strip().lstrip("@"))
