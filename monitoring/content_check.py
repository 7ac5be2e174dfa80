"""The content checker: advice on a draft post before it is posted, never automatic posting (003 D4.1).

A pure module: ``check_post(text, rules)`` takes the draft and the lists Communications keeps (already
read from the database by ``monitoring.operations.content_check_rules``) and returns findings, each
naming the policy paragraph it comes from. No database, no network; the regular expressions are
compiled once per set of lists, so a 2,000-character draft is checked in well under 5 ms
(``bench/content_check.py``).

What it looks for, and why:

- too long for the platform, counting a link as 23 characters on X; over 132 characters for an
  announcement meant to be shared on X (004 Part C);
- swearing (003 D3.3: "Swearing is not permitted under any circumstances");
- personal data: mobile and geographic phone numbers (not the council's own published numbers or
  0300/0800-style service numbers), a named person’s email address (generic council mailboxes are fine,
  000 §11), National Insurance numbers, a house number with a UK postcode (000 §18, 001 §7);
- during purdah, party-political terms and councillors' names or titles (003 D10);
- no link and no call to action (004 rule 2: "Try to have a call to action");
- jargon from the list Communications keeps (003 D3.3: "Jargon free English", 004 rule 2);
- a picture showing children without a valid signed parental consent reference (004 Don't 9).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Character limits of a post's text, by platform (as of 2026). Platforms not listed have no
# practical limit for a post.
PLATFORM_LIMITS: dict[str, int] = {
    "x": 280,
    "bluesky": 300,
    "threads": 500,
    "instagram": 2200,
    "tiktok": 2200,
    "linkedin": 3000,
    "youtube": 5000,
    "facebook": 63206,
    "whatsapp": 1024,
}
X_SHAREABLE_LIMIT = 132  # 004 Part C: announcements to be retweeted, 132 characters or fewer
X_LINK_LENGTH = 23  # X counts every link as 23 characters

SWEAR_WORDS = (
    r"fuck\w*",
    r"shit\w*",
    r"bullshit",
    r"bollocks",
    r"bastards?",
    r"wank\w*",
    r"twats?",
    r"piss(?:ed|ing)?",
    r"arse(?:hole)?s?",
    r"cunts?",
    r"bloody",
    r"damn(?:ed)?",
    r"crap",
    r"sod off",
    r"feck\w*",
    r"f\*+k\w*",
    r"sh\*+t\w*",
)

POLITICAL_TERMS = (
    "Labour Party",
    "Labour",
    "Conservative Party",
    "Conservatives",
    "Tory",
    "Tories",
    "Liberal Democrats?",
    "Lib Dems?",
    "Green Party",
    "Reform UK",
    "UKIP",
    "Plaid Cymru",
    "SNP",
    "vote for",
    "re-elect",
    "manifesto",
    "canvassing",
    "election candidate",
    "party political",
)

JARGON_TERMS = (
    ("stakeholders?", "the people affected"),
    ("going forward", "from now on"),
    ("leverage", "use"),
    ("synerg(?:y|ies)", "working together"),
    ("deliverables?", "what we will do"),
    ("holistic", "whole"),
    ("utilise", "use"),
    ("facilitate", "help"),
    ("capacity building", "training"),
    ("paradigm shift", "big change"),
    ("key performance indicators?|KPIs?", "targets"),
    ("service users?", "residents or people who use the service"),
    ("in due course", "soon, or a date"),
    ("workstreams?", "work"),
    ("upskill(?:ing)?", "training"),
)

CALL_TO_ACTION = (
    r"visit",
    r"call",
    r"ring",
    r"phone",
    r"e-?mail",
    r"find out",
    r"read more",
    r"more info",
    r"book",
    r"apply",
    r"register",
    r"sign up",
    r"contact",
    r"report",
    r"tell us",
    r"let us know",
    r"have your say",
    r"go to",
    r"come along",
    r"pop along",
    r"pop in",
    r"pop down",
    r"drop in",
    r"join us",
    r"see",
    r"watch",
    r"download",
    r"check",
    r"search",
    r"message us",
    r"dm us",
    r"share",
    r"click",
    r"tap",
    r"follow",
    r"donate",
    r"vote",
    r"respond",
    r"fill in",
    r"send",
)

URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.uk|org\.uk|co\.uk|uk|com|org|net)(?:/\S*)?\b",
    re.I,
)
EMAIL_RE = re.compile(r"\b([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# A UK phone number: 0 or +44, then 9 or 10 more digits in groups separated by spaces or dashes.
# Slashes, letters or further digits on either side mean it is a reference or a date, not a phone.
PHONE_RE = re.compile(r"(?<![\w/.£$-])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[ -]?\d){6,8}(?![\w/])")
# National Insurance number: two letters (not D, F, I, Q, U, V; second not O; not BG, GB, KN, NK,
# NT, TN, ZZ), six digits, a suffix A–D.
NI_RE = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
# A house number, a street (and up to two more address parts), then a full UK postcode.
HOUSE_ADDRESS_RE = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+[A-Z][A-Za-z'.-]*(?:\s+[A-Za-z'.-]+){0,4},?"
    r"(?:\s+[A-Z][A-Za-z'.-]*(?:\s+[A-Za-z'.-]+){0,2},?){0,2}"
    r"\s+(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b"
)
COUNCILLOR_TITLE_RE = re.compile(r"\b(?:Cllr\.?|Councillor|Councilor)\s+[A-Z][a-z]+", re.U)
PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "btinternet.com",
        "aol.com",
        "sky.com",
        "virginmedia.com",
    }
)
# Numbers organisations use (not individuals): 0300, 0330, 0345, 0800, 0808, 0845, 0870, 111, 999…
SERVICE_NUMBER_PREFIXES = ("03", "080", "084", "087")


@dataclass(frozen=True)
class Finding:
    """One piece of advice about a draft: a short code, what to change, and the policy behind it."""

    code: str
    message: str
    policy: str
    matches: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "policy": self.policy,
            "matches": list(self.matches),
        }


@dataclass(frozen=True)
class Rules:
    """What the checker knows besides the draft: the lists Communications keeps and today's context."""

    purdah: bool = False
    councillors: tuple[str, ...] = ()
    political_terms: tuple[str, ...] = ()
    jargon: tuple[tuple[str, str], ...] = ()
    council_phone_numbers: tuple[str, ...] = ()
    council_email_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    text: str
    platform: str = ""
    announcement_for_x: bool = False
    shows_children: bool = False
    consent_reference: str = ""
    # None: no reference given; True/False: the reference was looked up and is (not) valid today.
    consent_valid: bool | None = None


def _alternation(terms) -> str:
    return "|".join(sorted(terms, key=len, reverse=True))


@lru_cache(maxsize=32)
def _compiled(rules: Rules) -> dict[str, re.Pattern]:
    """Compile the patterns for one set of lists, once (the lists change rarely)."""
    councillors = [re.escape(name.strip()) for name in rules.councillors if name.strip()]
    political = list(POLITICAL_TERMS) + [
        re.escape(term.strip()) for term in rules.political_terms if term.strip()
    ]
    jargon = [term for term, _ in JARGON_TERMS] + [
        re.escape(term.strip()) for term, _ in rules.jargon if term.strip()
    ]
    return {
        "swearing": re.compile(rf"\b(?:{_alternation(SWEAR_WORDS)})(?!\w)", re.I),
        "political": re.compile(rf"\b(?:{_alternation(political)})\b"),
        "councillors": re.compile(rf"\b(?:{_alternation(councillors)})\b", re.I) if councillors else None,
        "jargon": re.compile(rf"\b(?:{_alternation(jargon)})\b", re.I),
        "cta": re.compile(rf"\b(?:{_alternation(CALL_TO_ACTION)})\b", re.I),
    }


def _jargon_suggestions(rules: Rules) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"\A(?:{term})\Z", re.I), suggestion) for term, suggestion in JARGON_TERMS] + [
        (re.compile(rf"\A{re.escape(term)}\Z", re.I), suggestion) for term, suggestion in rules.jargon
    ]


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("44") else digits


def x_length(text: str) -> int:
    """The length X counts: every link is 23 characters."""
    return len(URL_RE.sub("x" * X_LINK_LENGTH, text))


def _unique(values) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return tuple(seen)


def phone_numbers(text: str, council_numbers=()) -> tuple[str, ...]:
    """Phone numbers that may belong to a person: not the council's own or a service number."""
    own = {_digits(number) for number in council_numbers}
    found = []
    for match in PHONE_RE.finditer(text):
        digits = _digits(match.group())
        if len(digits) not in (10, 11) or not digits.startswith("0"):
            continue
        if digits in own or digits.startswith(SERVICE_NUMBER_PREFIXES):
            continue
        found.append(match.group().strip())
    return _unique(found)


def personal_email_addresses(text: str, council_domains=()) -> tuple[str, ...]:
    """Email addresses that name a person (first.last@ a council domain) or are a personal mailbox."""
    found = []
    for match in EMAIL_RE.finditer(text):
        local, domain = match.group(1), match.group(2).lower()
        is_council = domain.endswith(".gov.uk") or any(
            domain == own or domain.endswith("." + own) for own in council_domains
        )
        if domain in PERSONAL_EMAIL_DOMAINS or not is_council:
            found.append(match.group())
        elif re.fullmatch(r"[A-Za-z]+[._-][A-Za-z]+\d*", local):  # firstname.lastname, not a mailbox
            found.append(match.group())
    return _unique(found)


def check_post(draft: Draft, rules: Rules = Rules()) -> list[Finding]:
    """Every finding for ``draft``, in the order a writer would fix them."""
    text = draft.text
    patterns = _compiled(rules)
    findings: list[Finding] = []

    limit = PLATFORM_LIMITS.get(draft.platform)
    length = x_length(text) if draft.platform == "x" else len(text)
    if limit is not None and length > limit:
        findings.append(
            Finding(
                "too_long",
                f"The post is {length} characters; the limit on this platform is {limit}.",
                "004 Part C",
            )
        )
    if draft.announcement_for_x and x_length(text) > X_SHAREABLE_LIMIT:
        findings.append(
            Finding(
                "too_long_to_share",
                f"An announcement to be shared on X should be {X_SHAREABLE_LIMIT} characters or fewer, "
                f"so others can retweet it; this one is {x_length(text)}.",
                "004 Part C",
            )
        )

    if swearing := _unique(m.group() for m in patterns["swearing"].finditer(text)):
        findings.append(
            Finding(
                "swearing",
                "Remove the swearing: it is not permitted under any circumstances.",
                "003 D3.3",
                swearing,
            )
        )

    personal = (
        phone_numbers(text, rules.council_phone_numbers)
        + personal_email_addresses(text, rules.council_email_domains)
        + _unique(m.group() for m in NI_RE.finditer(text))
        + _unique(m.group() for m in HOUSE_ADDRESS_RE.finditer(text))
    )
    if personal:
        findings.append(
            Finding(
                "personal_data",
                "The post seems to contain personal data (a phone number, email address, National Insurance "
                "number or home address). Remove it, or use the service's generic contact details.",
                "000 §18; 001 §7",
                personal,
            )
        )

    if rules.purdah:
        if political := _unique(m.group() for m in patterns["political"].finditer(text)):
            findings.append(
                Finding(
                    "party_political",
                    "It is purdah: avoid anything party political.",
                    "003 D10",
                    political,
                )
            )
        named = [m.group() for m in COUNCILLOR_TITLE_RE.finditer(text)]
        if patterns["councillors"] is not None:
            named += [m.group() for m in patterns["councillors"].finditer(text)]
        if named := _unique(named):
            findings.append(
                Finding(
                    "names_councillor",
                    "It is purdah: do not promote individual councillors.",
                    "003 D10",
                    named,
                )
            )

    if not URL_RE.search(text) and not EMAIL_RE.search(text) and not patterns["cta"].search(text):
        findings.append(
            Finding(
                "no_call_to_action",
                "Add a call to action: a short link to the page on our website where people can "
                "find out more.",
                "004 rule 2",
            )
        )

    if jargon := _unique(m.group() for m in patterns["jargon"].finditer(text)):
        suggestions = _jargon_suggestions(rules)
        plain = []
        for term in jargon:
            plain += [f"“{term}” → “{s}”" for pattern, s in suggestions if s and pattern.match(term)][:1]
        message = "Use plain English instead of jargon."
        if plain:
            message += " Try: " + "; ".join(plain) + "."
        findings.append(Finding("jargon", message, "003 D3.3; 004 rule 2", jargon))

    if draft.shows_children and draft.consent_valid is not True:
        if not draft.consent_reference:
            message = "The picture shows children: give the reference of the signed parental consent form."
        else:
            message = (
                f"The consent reference “{draft.consent_reference}” is not a current signed parental consent "
                "form on record."
            )
        findings.append(Finding("children_without_consent", message, "004 Don't 9"))
    return findings
