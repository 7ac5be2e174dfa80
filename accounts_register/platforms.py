"""The platforms the council may use, and what a handle and an address look like on each.

Pure functions, no database: ``normalise_handle`` and ``normalise_url`` turn what a person typed
(``@CannockChaseDC``, ``https://twitter.com/CannockChaseDC/``) into the one stored form, and
``parse_reference`` recognises either, so the register, its import and the public "is this account
really the council's?" check (000 §24) agree on what counts as the same account.

Two rules keep an impostor's account off the register and out of a "yes" from the check (issue 11
items 5 and 12):

- an account's address names its own handle, where the platform puts the handle in the address
  (``normalise_url(..., handle=...)``);
- a handle or web address is plain text: after Unicode NFKC normalisation and case folding it is
  ASCII, with no invisible character and no character that Unicode lists as a look-alike of
  another (``lookalike_problem``, using the Unicode confusables data of ``confusable-homoglyphs``),
  and no internationalised (``xn--``) host name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from confusable_homoglyphs import confusables as unicode_confusables
from django.core.exceptions import ValidationError
from django.db import models


class Platform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    NEXTDOOR = "nextdoor", "Nextdoor"
    WHATSAPP = "whatsapp", "WhatsApp channel"
    FLICKR = "flickr", "Flickr"
    BLOG = "blog", "Blog"
    FORUM = "forum", "Forum"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class PlatformRule:
    platform: str
    handle_pattern: str
    handle_help: str
    hosts: tuple[str, ...] = ()
    # Regular expressions matched against the URL path. The named group "handle" is the account's
    # handle; "id" is another name for the account (a channel ID, a legacy user name) that need not
    # be the handle, so an address of that form is not compared with the handle.
    paths: tuple[str, ...] = ()
    url_template: str = ""
    at_sign: bool = False
    case_sensitive_url: bool = field(default=False)

    @property
    def handle_re(self) -> re.Pattern:
        return re.compile(rf"\A(?:{self.handle_pattern})\Z")


_SOCIAL_HOSTS = {"www", "m", "mobile", "web"}

RULES: dict[str, PlatformRule] = {
    rule.platform: rule
    for rule in [
        PlatformRule(
            Platform.X,
            r"[A-Za-z0-9_]{1,15}",
            "1 to 15 letters, numbers or underscores, like CannockChaseDC",
            ("twitter.com", "x.com"),
            (r"/(?P<handle>[^/]+)/?",),
            "https://x.com/{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.FACEBOOK,
            r"[A-Za-z0-9.\-]{1,100}|profile\.php\?id=\d{5,20}",
            "the page's name in its address, like cannockchasedc",
            ("facebook.com", "fb.com"),
            (
                r"/(?P<handle>profile\.php\?id=\d+)",
                r"/pages/[^/]+/(?P<id>\d+)/?",
                r"/(?P<handle>[^/?]+)/?",
            ),
            "https://www.facebook.com/{handle}",
        ),
        PlatformRule(
            Platform.INSTAGRAM,
            r"[A-Za-z0-9._]{1,30}",
            "1 to 30 letters, numbers, full stops or underscores, like cannockchasedc",
            ("instagram.com",),
            (r"/(?P<handle>[^/]+)/?",),
            "https://www.instagram.com/{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.YOUTUBE,
            r"[A-Za-z0-9._\-]{3,30}|UC[A-Za-z0-9_\-]{22}",
            "the channel's handle, like CannockChaseDC, or its channel ID starting UC",
            ("youtube.com",),
            (
                r"/@(?P<handle>[^/]+)/?.*",
                r"/channel/(?P<id>UC[^/]+)/?.*",
                r"/(?:c|user)/(?P<id>[^/]+)/?.*",
            ),
            "https://www.youtube.com/@{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.LINKEDIN,
            r"[A-Za-z0-9\-]{2,100}",
            "the company page's name in its address, like cannock-chase-district-council",
            ("linkedin.com", "uk.linkedin.com"),
            (r"/(?:company|showcase|school)/(?P<handle>[^/]+)/?.*",),
            "https://www.linkedin.com/company/{handle}",
        ),
        PlatformRule(
            Platform.TIKTOK,
            r"[A-Za-z0-9._]{2,24}",
            "2 to 24 letters, numbers, full stops or underscores",
            ("tiktok.com",),
            (r"/@(?P<handle>[^/]+)/?.*",),
            "https://www.tiktok.com/@{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.THREADS,
            r"[A-Za-z0-9._]{1,30}",
            "the same name as the Instagram account, 1 to 30 characters",
            ("threads.net", "threads.com"),
            (r"/@(?P<handle>[^/]+)/?.*",),
            "https://www.threads.net/@{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.BLUESKY,
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}",
            "a domain name, like cannockchasedc.bsky.social",
            ("bsky.app",),
            (r"/profile/(?P<handle>[^/]+)/?.*",),
            "https://bsky.app/profile/{handle}",
            at_sign=True,
        ),
        PlatformRule(
            Platform.NEXTDOOR,
            r"[A-Za-z0-9\-]{2,100}",
            "the agency page's name in its address",
            ("nextdoor.co.uk", "nextdoor.com"),
            (r"/(?:agency-detail|pages|page)/(?:[^/]+/)*?(?P<handle>[^/]+)/?",),
            "https://nextdoor.co.uk/pages/{handle}",
        ),
        PlatformRule(
            Platform.WHATSAPP,
            r"[A-Za-z0-9]{10,40}",
            "the channel's ID from its invitation link",
            ("whatsapp.com",),
            (r"/channel/(?P<handle>[^/]+)/?",),
            "https://whatsapp.com/channel/{handle}",
        ),
        PlatformRule(
            Platform.FLICKR,
            r"[A-Za-z0-9_\-]{1,50}|\d{5,12}@N\d{2}",
            "the name or ID in the address after /photos/",
            ("flickr.com",),
            (r"/(?:photos|people)/(?P<handle>[^/]+)/?.*",),
            "https://www.flickr.com/photos/{handle}",
        ),
    ]
}

# A blog, a forum or anything else is identified by its own web address.
_ADDRESS_PLATFORMS = {Platform.BLOG, Platform.FORUM, Platform.OTHER}


def rule_for(platform: str) -> PlatformRule | None:
    return RULES.get(platform)


def fold(text: str) -> str:
    """Unicode NFKC normalisation, then case folding: the form in which two spellings are compared."""
    return unicodedata.normalize("NFKC", text).casefold()


def _is_hidden(char: str) -> bool:
    """A control, format (zero-width, direction mark) or unusual space character."""
    if " " <= char <= "~":
        return False
    return unicodedata.category(char)[0] in "CZ"


def refuse_lookalike(problem: str) -> None:
    """Refuse an entry with the problem ``lookalike_problem`` or ``host_problem`` found, if any."""
    if problem:
        raise ValidationError(f"{problem}. Type it in using plain letters, numbers and symbols only")


def lookalike_problem(text: str, what: str = "handle") -> str:
    """Why ``text`` is not plain enough to be a handle or web address, or ``""`` when it is.

    Refused: an invisible character (a zero-width space, a direction mark, a control character);
    a character Unicode lists as confusable with another (the long s "ſ" and dotless i "ı" of Latin,
    Cyrillic "а", full-width "Ｃ"); and anything not ASCII after NFKC and case folding. So
    ``@CannockChaſeDC`` is never taken for ``@CannockChaseDC`` (issue 11 item 12).
    """
    for char in text:
        if _is_hidden(char):
            return f"The {what} contains an invisible character, such as a zero-width space"
    for char in text:
        if not char.isascii() and unicode_confusables.is_confusable(char, preferred_aliases=[]):
            return f"The {what} contains “{char}”, which only looks like an ordinary letter"
    for char in text:
        if not fold(char).isascii():
            return f"The {what} contains “{char}”, which is not a plain letter, number or symbol"
    return ""


def host_problem(netloc: str) -> str:
    """Why a web address's host could imitate another, or ``""``: look-alike or punycode labels."""
    host = netloc.split("@")[-1].split(":")[0]
    problem = lookalike_problem(host, "web address")
    if problem:
        return problem
    if any(label.startswith("xn--") for label in host.lower().split(".")):
        return (
            "The web address is an internationalised address (part of it starts xn--), "
            "which can imitate another"
        )
    return ""


def _host(netloc: str) -> str:
    host = netloc.lower().split("@")[-1].split(":")[0]
    parts = host.split(".")
    if len(parts) > 2 and parts[0] in _SOCIAL_HOSTS:
        host = ".".join(parts[1:])
    return host


def _split_url(url: str):
    url = url.strip()
    if re.match(r"\A[A-Za-z][A-Za-z0-9+.\-]*:(?!\d)", url) and "://" not in url:
        raise ValidationError("Enter a web address starting with https://")  # javascript:, mailto: …
    if not re.match(r"\A[A-Za-z][A-Za-z0-9+.\-]*://", url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "https://[", or a host that NFKC would change into "/", "?" or "@"
        raise ValidationError("Enter a web address starting with https://") from exc
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValidationError("Enter a web address starting with https://")
    return parts


def normalise_handle(platform: str, handle: str) -> str:
    """The stored form of a handle: no spaces, no leading @, no trailing slash; case kept.

    Raises ``ValidationError`` naming the platform's rule when the handle cannot be one of its, and
    when it holds an invisible or look-alike character (``lookalike_problem``).
    """
    typed = (handle or "").strip()
    refuse_lookalike(lookalike_problem(typed))
    cleaned = unicodedata.normalize("NFKC", typed).strip().rstrip("/").strip()
    if cleaned.startswith("@"):
        cleaned = cleaned[1:]
    if not cleaned:
        raise ValidationError("Enter the account's handle")
    if platform in _ADDRESS_PLATFORMS:
        if len(cleaned) > 200 or any(ch.isspace() for ch in cleaned) or any(ord(ch) < 32 for ch in cleaned):
            raise ValidationError("Enter a short name for the account, with no spaces")
        return cleaned
    rule = rule_for(platform)
    if rule is None:
        raise ValidationError("Choose a platform from the list")
    if not rule.handle_re.match(cleaned):
        raise ValidationError(f"Enter {_a(Platform(platform).label)} handle: {rule.handle_help}")
    return cleaned


def _a(label: str) -> str:
    """The label with "a" or "an" before it, as it is said: an Instagram, an X ("ex"), a Facebook."""
    return f"{'an' if label[:1] in 'AEIOUX' else 'a'} {label}"


def _name_in_url(platform: str, url: str) -> tuple[str, str] | None:
    """("handle" or "id", the name) from a platform address, or ``None`` when it is not one."""
    rule = rule_for(platform)
    if rule is None:
        return None
    parts = _split_url(url)
    if _host(parts.netloc) not in rule.hosts:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query and "profile.php" in parts.path else "")
    for pattern in rule.paths:
        match = re.fullmatch(pattern, path)
        if match:
            kind = "handle" if "handle" in match.groupdict() else "id"
            return kind, match.group(kind)
    return None


def handle_from_url(platform: str, url: str) -> str | None:
    """The account's name in a platform address (its handle, or its channel or page ID), or ``None``
    when the address is not that platform's."""
    found = _name_in_url(platform, url)
    return found[1] if found else None


def _same_handle(a: str, b: str) -> bool:
    return fold(a.strip().removeprefix("@").rstrip("/")) == fold(b.strip().removeprefix("@").rstrip("/"))


def normalise_url(platform: str, url: str, *, handle: str | None = None) -> str:
    """The stored form of an account's address: https, lower-case host, no trailing slash.

    Raises ``ValidationError`` when the address is not on the platform (a Facebook address must be
    on facebook.com, and so on), when it holds an invisible or look-alike character or an
    internationalised host, and, given the account's ``handle``, when the platform puts a handle in
    its addresses and this address names another one: ``https://x.com/someone_else`` is not the
    address of ``@mismatch_a`` (compared after NFKC and case folding; issue 11 item 5).
    """
    refuse_lookalike(lookalike_problem((url or "").strip(), "web address"))
    parts = _split_url(url)
    refuse_lookalike(host_problem(parts.netloc))
    host = parts.netloc.lower().split("@")[-1]
    if "@" in parts.netloc:
        raise ValidationError("Enter a web address without a user name or password in it")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    if platform in _ADDRESS_PLATFORMS:
        return f"https://{host}{path}{query}"
    rule = rule_for(platform)
    if rule is None:
        raise ValidationError("Choose a platform from the list")
    if _host(host) not in rule.hosts:
        hosts = " or ".join(rule.hosts)
        raise ValidationError(f"Enter {_a(Platform(platform).label)} address, on {hosts}")
    named = _name_in_url(platform, url)
    if named is None:
        raise ValidationError(
            f"Enter the address of a {Platform(platform).label} account, not of a post or search"
        )
    kind, name = named
    if handle and kind == "handle" and not _same_handle(name, handle):
        typed = handle.strip().removeprefix("@")
        raise ValidationError(
            f"The address is for {display_handle(platform, name.removeprefix('@'))}, "
            f"not {display_handle(platform, typed)}"
        )
    return f"https://{host}{path}{query if 'profile.php' in path else ''}"


def canonical_url(platform: str, handle: str) -> str:
    """The usual address of an account with this handle, where the platform has one."""
    rule = rule_for(platform)
    return rule.url_template.format(handle=handle) if rule else ""


def display_handle(platform: str, handle: str) -> str:
    rule = rule_for(platform)
    return f"@{handle}" if rule and rule.at_sign else handle


def _looks_like_url(text: str) -> bool:
    return "://" in text or bool(re.match(r"\A(?:www\.)?[A-Za-z0-9\-]+\.[A-Za-z.]{2,}/", text))


def reference_problem(text: str) -> str:
    """Why what a member of the public typed cannot be an official account, or ``""``.

    A handle or address with an invisible or look-alike character, or an internationalised host,
    is never one of the council's (issue 11 item 12), however it compares after folding.
    """
    text = (text or "").strip()[:500]
    looks_like_url = _looks_like_url(unicodedata.normalize("NFKC", text))
    problem = lookalike_problem(text, "web address" if looks_like_url else "handle")
    if problem or not looks_like_url:
        return problem
    try:
        return host_problem(_split_url(text).netloc)
    except ValidationError:
        return ""


def parse_reference(text: str) -> tuple[str | None, str]:
    """What a member of the public typed: (platform or None, handle).

    A web address is matched to its platform by host; anything else is taken as a bare handle on
    any platform. Blank or unusable input gives ``(None, "")``.
    """
    text = unicodedata.normalize("NFKC", (text or "").strip()[:500])
    if not text:
        return None, ""
    if _looks_like_url(text):
        try:
            parts = _split_url(text)
        except ValidationError:
            return None, ""
        host = _host(parts.netloc)
        for platform, rule in RULES.items():
            if host in rule.hosts:
                handle = handle_from_url(platform, text)
                return (platform, handle) if handle else (None, "")
        return None, ""
    cleaned = text.lstrip("@").rstrip("/").strip()
    return None, cleaned
