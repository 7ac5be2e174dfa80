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


# --- The handle in the address must be the account's handle (issue 11 item 5) ------------------
@pytest.mark.parametrize(
    ("platform", "handle", "url", "message"),
    [
        (
            Platform.X,
            "mismatch_a",
            "https://x.com/someone_else",
            "The address is for @someone_else, not @mismatch_a",
        ),
        (
            Platform.X,
            "@mismatch_a",
            "twitter.com/mismatch_b/",
            "The address is for @mismatch_b, not @mismatch_a",
        ),
        (
            Platform.INSTAGRAM,
            "visitcannockchase",
            "https://www.instagram.com/visit.cannock",
            "The address is for @visit.cannock, not @visitcannockchase",
        ),
        (
            Platform.FACEBOOK,
            "cannockchasedc",
            "https://www.facebook.com/fakecannock",
            "The address is for fakecannock, not cannockchasedc",
        ),
        (
            Platform.YOUTUBE,
            "CannockChaseDC",
            "https://www.youtube.com/@SomeoneElse",
            "The address is for @SomeoneElse, not @CannockChaseDC",
        ),
        (
            Platform.LINKEDIN,
            "cannock-chase-district-council",
            "https://www.linkedin.com/company/another-council/",
            "The address is for another-council, not cannock-chase-district-council",
        ),
        (
            Platform.BLUESKY,
            "cannockchasedc.bsky.social",
            "https://bsky.app/profile/someone.bsky.social",
            "The address is for @someone.bsky.social",
        ),
    ],
)
def test_an_address_for_another_handle_is_refused(platform, handle, url, message):
    with pytest.raises(ValidationError, match=message):
        normalise_url(platform, url, handle=handle)


@pytest.mark.parametrize(
    ("platform", "handle", "url"),
    [
        (Platform.X, "Mismatch_A", "https://x.com/mismatch_a/"),
        (Platform.X, "@CannockChaseDC", "https://twitter.com/CANNOCKCHASEDC"),
        # YouTube's channel ID and legacy /user/ addresses do not carry the @handle: nothing to compare.
        (Platform.YOUTUBE, "CannockChaseDC", "https://www.youtube.com/channel/UC1234567890abcdefghijkl"),
        (Platform.YOUTUBE, "CannockChaseDC", "https://www.youtube.com/user/ccdcvideos"),
        (Platform.FACEBOOK, "cannockchasedc", "https://www.facebook.com/pages/Cannock-Chase/111298768960981"),
        (Platform.BLOG, "news", "https://news.cannockchasedc.gov.uk"),
    ],
)
def test_an_address_that_agrees_with_the_handle_is_accepted(platform, handle, url):
    assert normalise_url(platform, url, handle=handle)


# --- Look-alike characters (issue 11 item 12) ------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "typed", "message"),
    [
        (Platform.X, "CannockChaſeDC", "“ſ”, which only looks like an ordinary letter"),
        (Platform.INSTAGRAM, "vısıtcannockchase", "“ı”, which only looks like an ordinary letter"),
        (Platform.X, "СannockChaseDC", "“С”, which only looks like an ordinary letter"),
        (Platform.X, "\uff23annockChaseDC", "only looks like an ordinary letter"),
        (Platform.X, "Cannock\u200bChase", "an invisible character"),
        (Platform.BLOG, "news\u200b", "an invisible character"),
        (Platform.BLOG, "nеws", "“е”, which only looks like an ordinary letter"),
        (Platform.OTHER, "podcast\u202e", "an invisible character"),  # right-to-left override
        (Platform.FORUM, "fórum", "plain letters"),
        (Platform.FLICKR, "١٢٣٤٥٦٧٨@N02", "plain letters"),  # Arabic-Indic digits
        (Platform.FACEBOOK, "profile.php?id=١٢٣٤٥٦", "plain letters"),
    ],
)
def test_a_lookalike_handle_is_refused_on_entry(platform, typed, message):
    with pytest.raises(ValidationError, match=message):
        normalise_handle(platform, typed)


@pytest.mark.parametrize(
    ("platform", "typed", "message"),
    [
        (Platform.BLOG, "https://news.cannockchаsedc.gov.uk", "only looks like an ordinary letter"),
        (Platform.BLOG, "https://news.cannockchaſedc.gov.uk", "only looks like an ordinary letter"),
        (Platform.BLOG, "https://news.xn--cannockchsedc-41k.gov.uk", "internationalised"),
        (Platform.OTHER, "https://news.cannock\u200bchasedc.gov.uk", "an invisible character"),
        (Platform.X, "https://х.com/CannockChaseDC", "only looks like an ordinary letter"),
        (Platform.X, "https://x.com/CannockChaſeDC", "only looks like an ordinary letter"),
        (Platform.X, "https://[", "Enter a web address"),
        (Platform.X, "https://x.com\uff03@evil.example/", "web address"),
    ],
)
def test_a_lookalike_address_is_refused_on_entry(platform, typed, message):
    with pytest.raises(ValidationError, match=message):
        normalise_url(platform, typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("CannockChaseDC", "CannockChaseDC"), ("＠CannockChaseDC", "CannockChaseDC")],
)
def test_a_plain_handle_is_kept_as_typed(typed, stored):
    assert normalise_handle(Platform.X, typed) == stored


@pytest.mark.parametrize(
    ("platform", "typed", "sentence"),
    [
        (Platform.X, "far_too_long_for_x_handles", "Enter an X (Twitter) handle"),
        (Platform.INSTAGRAM, "no spaces allowed", "Enter an Instagram handle"),
        (Platform.FACEBOOK, "no spaces allowed", "Enter a Facebook handle"),
    ],
)
def test_the_refusal_of_a_handle_reads_as_plain_english(platform, typed, sentence):
    """'an X (Twitter) handle', not 'a X (Twitter) handle' (found by the officer's day in the browser)."""
    with pytest.raises(ValidationError) as refused:
        normalise_handle(platform, typed)
    assert refused.value.messages[0].startswith(sentence)


def test_the_refusal_of_an_address_reads_as_plain_english():
    with pytest.raises(ValidationError) as refused:
        normalise_url(Platform.INSTAGRAM, "https://facebook.com/cannockchasedc")
    assert refused.value.messages[0].startswith("Enter an Instagram address")
