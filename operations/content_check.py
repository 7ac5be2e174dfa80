"""The content checker: advice on a draft post before it is posted, never automatic posting (003 D4.1).

A pure module: ``check_post(draft, rules, context)`` takes the draft, the lists Communications keeps
(``Rules``, read from the database by ``operations.services.content_check_rules``) and the moment's
context (``Context``: purdah or an emergency in force, whether the writer is a named Communications
officer, the chosen account's posts today and its platform's guideline). It returns findings, each
naming the policy paragraph or the guidance it comes from. No database, no network; the rules are
data (word lists and patterns) compiled once per set of lists, so a 2,000-character draft is checked
in well under 5 ms (``bench/content_check.py``).

What it looks for, and why:

- during an emergency, anyone but the named Communications officers is told not to post (003 D9.1);
- too long for the platform, counting a link as 23 characters on X; over 132 characters for an
  announcement meant to be shared on X (004 Part C);
- swearing (003 D3.3: "Swearing is not permitted under any circumstances"), also when starred,
  spaced, stretched or written in leetspeak, matched on whole words so that Scunthorpe, Essex or
  shiitake are not taken for swearing;
- personal data: mobile and geographic phone numbers of people (not the council's own published
  numbers or 0300/0800-style service numbers), a person's email address (generic mailboxes are fine,
  000 §11), National Insurance numbers, a home address with a UK postcode, dates of birth and bank
  details (000 §18, 001 §7);
- party-political content all year (001 §17, 004 Don't 3, 000 §14): party names and their
  councillors, party slogans, "vote for" a party or a person, national party leaders; ordinary words
  that contain such terms ("labour market", "a conservative estimate", "green bin") are not political;
- during purdah, also any councillor named or promoted and any new campaign (003 D10);
- joining, backing or asking people to sign a campaign or petition that cabinet or council has not
  decided to support (004 Don't 2); the council's own campaigns and those on Communications' list of
  decided campaigns are not flagged;
- no link and no call to action (004 rule 2); jargon from the list Communications keeps (003 D3.3);
- a picture showing children without a valid signed parental consent reference (004 Don't 9);
- accessible posts (GCS "Planning, creating and publishing accessible social media campaigns"; GDS
  social media playbook): CamelCase hashtags, emoji at the end and few of them, no styled Unicode
  letters, sentences of at most 25 words, no capitals beyond acronyms, alt text for an image,
  captions for a video, link text that makes sense;
- the chosen account's posts today against its platform's guideline, to avoid flooding (004 Part C).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import wordninja

# --- Policy and guidance references ----------------------------------------------------------------
POLICY_SWEARING = "003 D3.3"
POLICY_PERSONAL_DATA = "000 §18; 001 §7"
POLICY_POLITICAL = "001 §17; 004 Don't 3; 000 §14"
POLICY_PURDAH = "003 D10"
POLICY_CAMPAIGN = "004 Don't 2"
POLICY_EMERGENCY = "003 D9.1"
POLICY_FLOODING = "004 Part C; 003 D5.2"
GUIDANCE_GCS = "GCS, Planning, creating and publishing accessible social media campaigns"
GUIDANCE_GDS = "GDS social media playbook"

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
MAX_SENTENCE_WORDS = 25  # GDS: sentences of 25 words or fewer
MAX_EMOJI = 3  # GCS: use emoji sparingly

# --- Swearing (003 D3.3) ---------------------------------------------------------------------------
# Every form is a whole word; disguised words are brought back to these forms before they are looked
# up, so a place or an ordinary word that merely contains the letters is never matched.
SWEAR_WORDS = frozenset(
    """
    fuck fucks fucked fucker fuckers fucking fuckin fuckwit fuckwits fuk fukin fukking fck fcking fkn fkin
    fking fcuk fcuking phuck phucking effin
    motherfucker motherfuckers clusterfuck effing fecking feck fecked
    shit shits shite shitty shitting shitter shithead shitheads shithole shitholes shitshow shitstorm
    bullshit horseshit batshit apeshit dipshit shyte
    cunt cunts twat twats wank wanks wanker wankers wanking wanky tosser tossers bellend bellends
    knobhead knobheads dickhead dickheads bollocks bollock bollocking bollox
    bastard bastards piss pissed pisses pissing pisshead pissheads
    arse arses arsed arsey arsehole arseholes asshole assholes aholes dumbass jackass
    bloody damn damned dammit goddamn goddamned crap crappy crapping bugger buggers buggered
    sodding whore whores slut sluts cocksucker cocksuckers wtf ffs stfu omfg
    """.split()
)
# Two-word swearing (the words are looked up in lower case, their spaces or hyphens removed).
SWEAR_PHRASES = frozenset({"sodoff", "pissoff", "effoff", "cockup", "sonofabitch"})
# Words too ordinary to flag when written plainly ("Dick Whittington", "a blue tit", "a cock
# pheasant") but a swear word when someone has taken the trouble to disguise them.
DISGUISED_ONLY = frozenset(
    {"dick", "dicks", "cock", "cocks", "prick", "pricks", "tit", "tits", "ass", "hell"}
)
SWEAR_EXCEPTIONS = frozenset({"shiitake", "shitake", "wankel", "scunthorpe"})
# "bloody" is literal before these words (Remembrance posts, first aid).
BLOODY_LITERAL = re.compile(
    r"\s*(?:nose|noses|battles?|sunday|mary|marys|war|wars|conflict|fighting)\b", re.I
)
# Leetspeak: a 1 or a | may stand for i or for l ("b0ll0cks", "b0110cks").
LEET_L = str.maketrans(
    {"1": "l", "|": "l", "!": "i", "3": "e", "4": "a", "@": "a", "0": "o", "$": "s", "5": "s", "7": "t"}
)
LEET = str.maketrans(
    {"1": "i", "!": "i", "|": "i", "3": "e", "4": "a", "@": "a", "0": "o", "$": "s", "5": "s", "7": "t"}
)
MASKS = "*#_-•"
TOKEN_RE = re.compile(r"\S+")
EDGE_PUNCTUATION = ".,;:?\"'()[]{}“”‘’…"
SPACED_LETTERS_RE = re.compile(r"(?<![\w*])(?:[a-z@$!01345][ .\-_]){3,}[a-z@$!01345](?![\w*])", re.I)
SWEAR_PHRASE_RE = re.compile(r"\b(?:sod|piss|eff)[\s-]+off\b|\bcock[\s-]?ups?\b|\bson of a bitch\b", re.I)
COLLAPSE_RE = re.compile(r"(.)\1+")
LETTERS_RE = re.compile(r"[a-z]+")
MASK_RUN_RE = re.compile(rf"([{re.escape(MASKS)}]+)")
SPACED_SEPARATORS_RE = re.compile(r"[ .\-_]")
# Where a word may be disguised: a letter next to a mask, a digit or a symbol, or a letter three times.
DISGUISE_HINT_RE = re.compile(r"[A-Za-z][*#•@$!|0-9_-]|[*#•@$|0-9][A-Za-z]|([A-Za-z])\1\1")
LONG_RUN_RE = re.compile(r"(.)\1\1")

# --- Political neutrality (001 §17; 004 Don't 3; 000 §14) and purdah (003 D10) ---------------------
# Party names that are never anything else.
PARTY_NAMES = (
    r"Labour\s+(?:and\s+Co-operative\s+)?Party",
    r"Conservative\s+(?:and\s+Unionist\s+)?Party",
    r"Conservatives",
    r"Tory",
    r"Tories",
    r"Liberal\s+Democrats?",
    r"Lib\s?Dems?",
    r"Green\s+Party",
    r"Reform\s+UK",
    r"Reform\s+Party",
    r"UKIP",
    r"SNP",
    r"Plaid\s+Cymru",
    r"Brexit\s+Party",
    r"Scottish\s+National\s+Party",
    r"Sinn\s+F[ée]in",
    r"DUP",
    r"SDLP",
    r"Alliance\s+Party",
    r"Workers\s+Party",
    r"Social\s+Democratic\s+Party",
    r"Women's\s+Equality\s+Party",
    r"Yorkshire\s+Party",
    r"British\s+National\s+Party",
    r"BNP",
    r"Britain\s+First",
    r"Monster\s+Raving\s+Loony",
)
# After a capitalised "Labour" or "Conservative" these make it an ordinary word.
ORDINARY_AFTER_PARTY_WORD = (
    r"markets?|costs?|force|forces|shortages?|intensive|ward|wards|day|relations|laws?|supply|exchange|"
    r"turnover|rates?|saving|pains|camps?|estimates?|figures?|approach|guess|view|treatment|area|areas|"
    r"organi[sz]ation"
)
ORDINARY_BEFORE_LABOUR = (
    r"child|forced|manual|skilled|unskilled|hard|cheap|casual|agency|migrant|slave|organised"
)
PARTY_WORDS_FOR_VOTE = (
    r"labour|conservatives?|tory|tories|green party|reform uk|lib ?dems?|liberal democrats?|"
    r"ukip|snp|plaid(?: cymru)?|the (?:labour|conservative|green|reform) (?:candidate|party)"
)
# The words that make a capitalised Green, Reform or Independent a party.
SMALL_PARTY_NOUNS = (
    r"party|group|groups|council|councils|councillors?|cllrs?|candidates?|MPs?|led|run|controlled|"
    r"administration|members?|leader|leaders|voters|supporters|activists|peers?"
)
BARE_PARTY_WORD_RE = re.compile(r"\b(Labour|Conservative)(?:'s|’s)?(?=[\s\-–,.!?:;)]|$)")
ORDINARY_AFTER_PARTY_WORD_RE = re.compile(rf"(?:'s|’s)?\s+(?:{ORDINARY_AFTER_PARTY_WORD})\b", re.I)
ORDINARY_BEFORE_LABOUR_RE = re.compile(rf"\b(?:{ORDINARY_BEFORE_LABOUR})\s+$", re.I)
PARTY_TAG_RE = re.compile(
    r"\((?:Lab|Labour|Con|Conservative|LD|Lib ?Dem|Liberal Democrat|Grn|Green|Ref|Reform|Reform UK|Ind|"
    r"Independent|UKIP|SNP|PC|Plaid)\)"
)
SLOGANS = (
    r"get brexit done",
    r"take back control",
    r"strong and stable",
    r"stop the boats",
    r"britain deserves better",
    r"for the many,? not the few",
    r"make britain great",
    r"get britain'?s future back",
    r"change britain'?s future",
)
# National party leaders and figures: a council account naming them is rarely neutral.
POLITICIANS = (
    r"(?:Keir\s+)?Starmer",
    r"(?:Rishi\s+)?Sunak",
    r"(?:Kemi\s+)?Badenoch",
    r"(?:Nigel\s+)?Farage",
    r"Ed\s+Davey",
    r"(?:Jeremy\s+)?Corbyn",
    r"Boris\s+Johnson",
    r"Liz\s+Truss",
    r"Rachel\s+Reeves",
    r"Angela\s+Rayner",
    r"Theresa\s+May",
    r"David\s+Cameron",
    r"Zack\s+Polanski",
    r"Carla\s+Denyer",
    r"Adrian\s+Ramsay",
    r"Richard\s+Tice",
)
PARTY_NAME_KEYS = (
    "labour",
    "conservative",
    "tory",
    "tories",
    "liberal",
    "lib dem",
    "libdem",
    "green party",
    "reform",
    "ukip",
    "snp",
    "plaid",
    "brexit",
    "scottish national",
    "sinn f",
    "dup",
    "sdlp",
    "alliance party",
    "workers party",
    "social democratic",
    "equality party",
    "yorkshire party",
    "national party",
    "bnp",
    "britain first",
    "loony",
)
SLOGAN_KEYS = ("brexit", "control", "stable", "boats", "deserves better", "not the few", "great", "future")
POLITICIAN_KEYS = (
    "starmer",
    "sunak",
    "badenoch",
    "farage",
    "davey",
    "corbyn",
    "boris",
    "truss",
    "reeves",
    "rayner",
    "theresa may",
    "cameron",
    "polanski",
    "denyer",
    "ramsay",
    "tice",
)
# Praise or blame of government as politics rather than as a funding fact.
POLITICAL_OPINION = (r"(?:the\s+)?government(?:'s)?\s+cuts", r"tory\s+cuts", r"austerity")
# Common British given names, so that "vote for Sarah Jones" is taken for a person.
GIVEN_NAMES = frozenset(
    """
    adam adrian alan alex alexander alison amanda amy andrew andy angela ann anna anne anthony ben benjamin
    beth bill bob brian carl carol caroline catherine charlie charlotte chris christine christopher claire
    colin craig dan daniel darren dave david dawn dean debbie deborah derek diane donna ed edward elaine
    eleanor elizabeth emily emma eric gareth gary gavin gemma geoff george gill graham hannah harry helen
    ian jack jackie james jan jane janet jason jayne jean jenny jeremy jess jo joan joanne joe john jon
    jonathan josh julia julie karen kate katie keith kelly kevin kim laura lee lesley linda lisa liz louise
    lucy lynn lynne maggie malcolm margaret mark martin mary matt matthew michael michelle mick mike
    natalie neil nick nicola nigel olivia paul paula pauline peter phil philip priya rachel ray rebecca
    richard rob robert roger ros ruth ryan sally sam samantha sandra sara sarah scott sean sharon shaun
    simon sophie stephen steve steven stuart sue susan terry tim tom tony tracey tracy trevor vicky
    wendy william
    """.split()
)
COUNCILLOR_TITLE_RE = re.compile(
    r"\b(?:Cllrs?\.?|Councillors?)\s+(?!(?:Surgery|Surgeries|Code|Conduct|Allowances?|Tax|Enquiries|"
    r"Services?|Portal|Information|Profiles?)\b)(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?"
)

# --- Campaigns and petitions (004 Don't 2; 003 D10 for new campaigns in purdah) --------------------
BACKING = (
    r"sign(?:s|ed|ing)?|support(?:s|ed|ing)?|back(?:s|ed|ing)?|join(?:s|ed|ing)?|share|get\s+behind|"
    r"stand(?:s|ing)?\s+with|add\s+your\s+(?:name|voice|signature)\s+to|lend\s+your\s+support\s+to|"
    r"show\s+your\s+support\s+for|pledge\s+your\s+support\s+(?:for|to)|champion(?:s|ed|ing)?|promot(?:e|es|ing)"
)
PETITION_ASK_RE = re.compile(
    rf"\b(?:{BACKING})\b(?P<between>(?:[\s:,&'’-]+[\w'’!.-]+){{0,9}}?)[\s:,-]+(?:an?\s+|the\s+)?(?:e-?)?petitions?\b"
    r"|\bpetitions?\b[^.!?\n]{0,50}\b(?:please\s+sign|sign\s+(?:it|here|now|today)|every\s+signature|"
    r"link\s+in\s+(?:our\s+)?bio)",
    re.I,
)
CAMPAIGN_ASK_RE = re.compile(
    rf"\b(?:{BACKING})\b(?P<between>(?:[\s:,&'’-]+[\w'’!-]+){{0,9}}?)[\s:,-]+campaign\b"
    r"|\bcampaign\b[^.!?\n]{0,50}\b(?:needs\s+[\d,]+\s+signatures|sign\s+(?:up\s+)?(?:here|now|today)|"
    r"get\s+involved|please\s+(?:sign|support|share))",
    re.I,
)
NEW_CAMPAIGN_RE = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|introduc(?:e|es|ed|ing)|unveil(?:s|ed|ing)?|kick(?:s|ed|ing)?\s+off)\b"
    r"[^.!?\n]{0,60}?\bcampaign\b|\bnew\s+(?:[\w'’-]+\s+){0,3}?campaign\b|\bcampaign\s+launch",
    re.I,
)

# --- Accessibility (GCS guidance; GDS social media playbook) ---------------------------------------
HASHTAG_RE = re.compile(r"(?<![\w&/])#([A-Za-z][A-Za-z0-9_]*)")
# Emoji: pictographs, dingbats and symbols, with their variation selectors, skin tones, joiners and
# flags, taken together as one emoji.
_EMOJI_CHAR = "\U0001f000-\U0001f3fa\U0001f400-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u23e9-\u23fa"
_ONE_EMOJI = (
    rf"[{_EMOJI_CHAR}][\ufe0f\U0001f3fb-\U0001f3ff]*(?:\u200d[{_EMOJI_CHAR}][\ufe0f\U0001f3fb-\U0001f3ff]*)*"
)
SINGLE_EMOJI_RE = re.compile(_ONE_EMOJI)
FLAG_RE = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
EMOJI_RE = re.compile(rf"(?:{_ONE_EMOJI}\s*)*{_ONE_EMOJI}")
STYLED_LETTERS_RE = re.compile(
    "[\U0001d400-\U0001d7ff\U0001f130-\U0001f189\u24b6-\u24e9\uff21-\uff3a\uff41-\uff5a]"
)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")
WORD_RE = re.compile(r"[A-Za-z0-9£$€][\w'’£$€.,%/-]*")
CAPS_WORD_RE = re.compile(r"(?<![\w#@/.])[A-Z][A-Z'’]+(?![\w@/]|\.[A-Za-z])")
# Acronyms a council writes in capitals; an unknown word of six or more capitals is shouting.
ACRONYMS = frozenset(
    """
    NHS DVLA DWP HMRC CCTV SEND SENCO COVID ULEZ MOT ASB AONB GCSE GCSES NVQ BTEC UK GB EU USA UN NATO
    RSPCA RSPB PCSO PCSOS CEO MP MPS FAQ FAQS PDF ID LED LGBT LGBTQ VAT PAYE ISA FOI GDPR DBS EHCP ICO
    OFSTED UNESCO UNICEF LGA ONS BBC ITV RNLI WW1 WW2 WWI WWII AGM AM PM HGV HGVS EV EVS PV CPR AED
    DIY SOS TV IT PE RE ICT PR HR UKSPF CIL SPD SSSI PSPO FPN FPNS HMO HMOS OK
    """.split()
)
POOR_LINK_TEXT_RE = re.compile(
    r"\b(?:click|tap|press)\s+(?:here|this\s+link|the\s+link|below)\b|\b(?:read|find out)\s+more\s+here\b"
    r"|\blink\s+here\b|\bhere\s*:\s*(?=https?://|www\.)",
    re.I,
)

# --- Jargon and calls to action (003 D3.3; 004 rule 2) ---------------------------------------------
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
# Each pattern is only tried on a draft containing one of its keys (lower case): a substring test is
# far cheaper than a regular expression over 2,000 characters.
JARGON_KEYS = {
    "synerg(?:y|ies)": ("synerg",),
    "key performance indicators?|KPIs?": ("key performance", "kpi"),
    "upskill(?:ing)?": ("upskill",),
}

CALL_TO_ACTION = (
    r"visit",
    r"call",
    r"ring",
    r"phone",
    r"text",
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

# --- Personal data (000 §18; 001 §7) ---------------------------------------------------------------
URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.uk|org\.uk|co\.uk|uk|com|org|net)(?:/\S*)?\b",
    re.I,
)
EMAIL_RE = re.compile(r"\b([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
EMAIL_PARTS_RE = re.compile(r"[._+-]+")
# National Insurance number: two letters (not D, F, I, Q, U, V; second not O; not BG, GB, KN, NK,
# NT, TN, ZZ), six digits, a suffix A–D; after the words "NI" or "National Insurance" any two letters
# (people quote the specimen QQ 12 34 56 C too).
NI_RE = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-Da-d]\b"
)
NI_CUED_RE = re.compile(
    r"\b(?:NI|National\s+Insurance)(?:\s+(?:number|no\.?))?(?:\s+is)?[\s:]*"
    r"[A-Za-z]{2} ?\d\d ?\d\d ?\d\d ?[A-Da-d]\b",
    re.I,
)
POSTCODE = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
POSTCODE_RE = re.compile(rf"\b{POSTCODE}\b")
# A house number (or a flat), a street (and up to two more address parts), then a full UK postcode.
HOUSE_ADDRESS_RE = re.compile(
    r"(?<![\d][-–])\b(?:Flat\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+[A-Z][A-Za-z'.-]*(?:\s+[A-Za-z'.-]+){0,4},?"
    r"(?:\s+[A-Z][A-Za-z'.-]*(?:\s+[A-Za-z'.-]+){0,2},?){0,2}"
    rf"\s+{POSTCODE}\b"
)
# A public building or a venue just before the address: the address is not someone's home.
VENUE_BEFORE_ADDRESS_RE = re.compile(
    r"(?:Centre|Center|Hall|Library|Church|Chapel|Museum|Theatre|Office|Offices|Club|School|Surgery|"
    r"Hub|Pavilion|Station|House|Institute|Unit|Suite|Shop|Café|Cafe|Market|Court|Park)[\s,]*$"
)
DATE_OF_BIRTH_RE = re.compile(
    r"\b(?:date\s+of\s+birth|d\.?o\.?b\.?)\b[\s:,-]*(?:is\s+)?\d{1,2}[/.\-\s]"
    r"|\bborn\s+(?:on\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{4}",
    re.I,
)
BANK_DETAILS_RE = re.compile(
    r"\bsort\s+code\b[\s:]*\d{2}[-\s]?\d{2}[-\s]?\d{2}|\baccount\s+(?:number|no\.?)?[\s:]*\d{8}\b", re.I
)
PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.co.uk",
        "live.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "btinternet.com",
        "aol.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "protonmail.com",
        "proton.me",
    }
)
# A phone number just after one of these belongs to an organisation, not a person.
ORGANISATION_BEFORE_NUMBER_RE = re.compile(
    r"\b(?:Council|Centre|Library|Advice|Police|Trust|NHS|Hospital|Surgery|School|Office|line|Helpline|"
    r"Hub|Team|Service|Services|Ltd|Limited|Association|Club|Church|Museum|Theatre|Station|Reception|"
    r"switchboard|Foundation|Charity|Partnership|Society)\b[^.!?\n]{0,25}$",
    re.I,
)
# A UK phone number: 0 or +44, then 9 or 10 more digits in groups separated by spaces, dashes or a
# bracketed area code. Slashes, letters or further digits on either side mean it is a reference or a
# date, not a phone.
PHONE_RE = re.compile(r"(?<![\w/.£$-])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:\)?[\s-]?\d){8,10}(?![\w/])")
# Mobile (07, but not 070 personal numbers or 076 pagers, which are people's too) and geographic
# (01, 02) numbers may be a person's; 03, 05, 08 and 09 numbers are organisations'.
PERSONAL_NUMBER_PREFIXES = ("01", "02", "07")
REFERENCE_BEFORE_NUMBER_RE = re.compile(
    r"\b(?:ref|reference|invoice|order|account|case|application|licence|permit|claim|policy|ID|no)\.?[\s:#]*$",
    re.I,
)
TITLE_BEFORE_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?:[A-Z][a-z]+\s+)?$")
GENERIC_MAILBOX_WORDS = frozenset(
    """
    info enquiries enquiry contact contactus hello help helpdesk support admin office team services service
    customer customers customerservices council tax counciltax housing planning licensing events bookings
    booking reception press media comms communications news jobs careers recruitment hr finance payments
    benefits revenues electoral elections democratic democracy environmental health waste recycling bins
    parks leisure library libraries museum theatre allotments grants business community communities
    safeguarding feedback complaints foi data dpo web digital noreply no reply volunteers volunteering
    """.split()
)

# --- Findings, by evaluation kind ------------------------------------------------------------------
CODE_KINDS = {
    "swearing": "swearing",
    "personal_data": "personal_data",
    "party_political": "political",
    "names_councillor": "political",
    "campaign_or_petition": "campaign",
    "purdah_new_campaign": "campaign",
    "hashtag_case": "hashtag_case",
    "emoji_placement": "emoji",
    "emoji_count": "emoji",
    "styled_letters": "styled_letters",
    "long_sentence": "long_sentence",
    "capitals": "capitals",
    "link_text": "link_text",
}


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
    """The lists Communications keeps, and the council's own contact details."""

    councillors: tuple[str, ...] = ()
    political_terms: tuple[str, ...] = ()
    jargon: tuple[tuple[str, str], ...] = ()
    council_phone_numbers: tuple[str, ...] = ()
    council_email_domains: tuple[str, ...] = ()
    # Campaigns and petitions cabinet or council has decided to support (004 Don't 2).
    decided_campaigns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """The moment the draft is checked in: what is in force, who is writing, the account's day."""

    purdah: bool = False
    emergency: bool = False
    # A Communications officer named in the emergency declaration may still post (003 D9.1).
    named_officer: bool = False
    # The chosen account's original posts today, and its platform's guideline as (posts, per days).
    posts_today: int | None = None
    posting_guideline: tuple[int, int] | None = None
    platform_name: str = ""


@dataclass(frozen=True)
class Draft:
    text: str
    platform: str = ""
    announcement_for_x: bool = False
    shows_children: bool = False
    consent_reference: str = ""
    # None: no reference given; True/False: the reference was looked up and is (not) valid today.
    consent_valid: bool | None = None
    has_image: bool = False
    alt_text: str = ""
    has_video: bool = False
    has_captions: bool = False


def _alternation(terms) -> str:
    return "|".join(sorted(terms, key=len, reverse=True))


@lru_cache(maxsize=32)
def _compiled(rules: Rules) -> dict:
    """Compile the patterns for one set of lists, once (the lists change rarely).

    Most patterns are gated: ``(keys, pattern)`` is only tried on a draft containing one of the keys."""
    extra_political = [term.strip() for term in rules.political_terms if term.strip()]
    decided = [re.escape(" ".join(name.split())) for name in rules.decided_campaigns if name.strip()]
    political = [
        (PARTY_NAME_KEYS, rf"\b(?:{_alternation(PARTY_NAMES)})\b"),
        (
            ("green", "reform", "independent"),
            rf"\b(?:Green|Reform|Independent)(?:'s|’s)?(?:\s*[-–]\s*|\s+)(?i:{SMALL_PARTY_NOUNS})\b",
        ),
        (("greens",), r"\b[Tt]he\s+Greens\b(?!\s+of\b)"),
        (("reform's", "reform’s"), r"\bReform(?:'s|’s)\b"),
        (("vot",), rf"(?i:\bvot(?:e|ing)\s+(?:for\s+)?(?:the\s+)?(?:{PARTY_WORDS_FOR_VOTE})\b)"),
        (
            ("vot",),
            r"\b(?i:vot(?:e|ing)\s+(?:for\s+)?(?:the\s+)?)(?:Greens?|Reform)\b"
            r"(?!\s+(?i:bin|bins|space|spaces|flag|waste|lane|of))",
        ),
        (("vote for",), r"(?i:\bvote\s+for\s+(?:me|him|her)\b)"),
        (("elect",), r"\b(?i:re-?elect)\s+(?:Cllr\.?\s+|Councillor\s+)?[A-Z][a-z]+"),
        (SLOGAN_KEYS, rf"(?i:\b(?:{_alternation(SLOGANS)})\b)"),
        (POLITICIAN_KEYS, rf"\b(?:{_alternation(POLITICIANS)})\b"),
        (("cuts", "austerity"), rf"(?i:\b(?:{_alternation(POLITICAL_OPINION)})\b)"),
    ]
    political += [((term.lower(),), rf"(?i:\b{re.escape(term)}\b)") for term in extra_political]
    jargon = [(JARGON_KEYS.get(term, (term.rstrip("?s").lower(),)), term) for term, _ in JARGON_TERMS]
    # The lists' own terms are gated on their first word (a set lookup), the built-in ones on substrings.
    jargon = _flat(jargon) + [
        (_first_word(term), re.escape(term.strip())) for term, _ in rules.jargon if _first_word(term)
    ]
    councillors = [
        (_first_word(name), re.escape(name.strip())) for name in rules.councillors if _first_word(name)
    ]
    return {
        "political": [(keys, re.compile(pattern)) for keys, pattern in political],
        "vote_for_name": re.compile(
            r"\b[Vv]ot(?:e|ing)\s+for\s+(?:Cllr\.?\s+|Councillor\s+)?([A-Z][a-z]+)\s+[A-Z][a-z]+"
        ),
        "councillors": councillors,
        "decided": re.compile(rf"(?:{_alternation(decided)})", re.I) if decided else None,
        "jargon": jargon,
        "cta": re.compile(rf"\b(?:{_alternation(CALL_TO_ACTION)})\b", re.I),
    }


@lru_cache(maxsize=512)
def _words_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """One case-insensitive pattern for the terms a draft may contain (cached: drafts repeat terms)."""
    return re.compile(rf"\b(?:{_alternation(terms)})\b", re.I)


def _gated_terms(low: str, terms) -> re.Pattern | None:
    """The pattern of those ``(key, term)`` whose key is in the lower-cased draft, or None.

    A key marked ``word:`` must be one of the draft's words; any other key may be part of a word."""
    words = _word_set(low)
    active = tuple(
        dict.fromkeys(
            term for key, term in terms if (key[5:] in words if key.startswith("word:") else key in low)
        )
    )
    return _words_pattern(active) if active else None


@lru_cache(maxsize=8)
def _word_set(low: str) -> frozenset[str]:
    return frozenset(LETTERS_RE.findall(low))


def _first_word(term: str) -> str:
    words = LETTERS_RE.findall(term.lower())
    return f"word:{words[0]}" if words else ""


def _flat(terms) -> list[tuple[str, str]]:
    """``(keys, term)`` pairs as ``(key, term)``, so a gate is one substring test per key."""
    return [(key, term) for keys, term in terms for key in keys]


def _jargon_suggestions(rules: Rules) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"\A(?:{term})\Z", re.I), suggestion) for term, suggestion in JARGON_TERMS] + [
        (re.compile(rf"\A{re.escape(term)}\Z", re.I), suggestion) for term, suggestion in rules.jargon
    ]


def _unique(values) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return tuple(seen)


@lru_cache(maxsize=16)
def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the links are (found once per draft: several checks leave links aside)."""
    if "." not in text:
        return ()
    return tuple(match.span() for match in URL_RE.finditer(text))


def _replace_urls(text: str, replacement: str) -> str:
    parts, last = [], 0
    for start, end in _url_spans(text):
        parts += [text[last:start], replacement]
        last = end
    return "".join(parts) + text[last:]


def x_length(text: str) -> int:
    """The length X counts: every link is 23 characters."""
    return len(_replace_urls(text, "x" * X_LINK_LENGTH))


# --- Swearing --------------------------------------------------------------------------------------
def _is_swear_word(word: str, *, disguised: bool = False) -> bool:
    """``word`` (lower case, letters only) is a swear word, or a compound of one (bullshit, fuckwit)."""
    if not word or word in SWEAR_EXCEPTIONS:
        return False
    if word in SWEAR_WORDS or word in SWEAR_PHRASES or (disguised and word in DISGUISED_ONLY):
        return True
    return "fuck" in word or word.startswith("shit") or word.endswith("shit")


@lru_cache(maxsize=4096)
def _masked_pattern(token: str) -> re.Pattern | None:
    """A starred or dashed word as a pattern: ``f***ing`` → ``f[a-z]{1,5}ing``; None if it is not one."""
    if not token[0].isalpha():
        return None
    parts = MASK_RUN_RE.split(token)
    letters = sum(len(p) for p in parts[::2])
    masks = [p for p in parts[1::2] if p]
    if not masks or letters == 0 or (letters == 1 and max(len(m) for m in masks) < 2):
        return None
    pattern = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern += re.escape(part.translate(LEET))
        elif part.strip("*#•"):  # a dash or underscore may join a split word or stand for letters
            pattern += f"[a-z]{{0,{len(part) + 2}}}"
        else:
            pattern += f"[a-z]{{1,{len(part) + 2}}}"
    return re.compile(pattern)


_MASKABLE_WORDS = tuple(sorted(SWEAR_WORDS | DISGUISED_ONLY))
_COLLAPSED_SWEARS = {COLLAPSE_RE.sub(r"\1", word): word for word in SWEAR_WORDS}


def _swear_token(raw: str) -> bool:
    """One whitespace-separated token is swearing: plain, stretched, starred, dashed or in leetspeak."""
    token = raw.strip(EDGE_PUNCTUATION).lower().lstrip("#")
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    token = token.rstrip("!")
    if len(token) < 2 or "/" in token or token.startswith(("http", "www.")) or EMAIL_RE.search(token):
        return False
    if token.isalpha():
        if _is_swear_word(token):
            return True
        if LONG_RUN_RE.search(token):  # stretched: shiiiit, fuuuuck
            return (
                _is_swear_word(COLLAPSE_RE.sub(r"\1\1", token))
                or COLLAPSE_RE.sub(r"\1", token) in _COLLAPSED_SWEARS
            )
        return False
    if any(mask in token for mask in MASKS):
        joined = token.replace("-", "").replace("_", "")
        if joined.isalpha():
            if _is_swear_word(joined):  # sh-it, f_u_c_k
                return True
            if (
                "*" not in token
                and "#" not in token
                and "•" not in token
                and joined.isalpha()
                and "-" in token
            ):
                # An ordinary hyphenated word (fly-tippers) is only a disguise if its parts are not words.
                if all(len(part) > 2 for part in token.split("-")):
                    return False
        pattern = _masked_pattern(token)
        if pattern is not None and any(pattern.fullmatch(word) for word in _MASKABLE_WORDS):
            return True
        # Each part of a hyphenated word on its own: f**k-up, sh*t-hot.
        return "-" in token.strip("-") and any(_swear_token(part) for part in token.split("-") if part)
    if token[0].isalpha() or token[0] in "$@":  # leetspeak: sh1t, b0ll0cks, pi$$ed, cr@p
        for plain in {token.translate(LEET), token.translate(LEET_L)}:
            if plain.isalpha() and plain != token:
                if _is_swear_word(plain) or _is_swear_word(COLLAPSE_RE.sub(r"\1\1", plain)):
                    return True
    return False


def _disguise_candidates(text: str):
    """The whitespace-separated tokens around each hint of a disguise, once each."""
    last_end = -1
    for hint in DISGUISE_HINT_RE.finditer(text):
        if hint.start() < last_end:
            continue
        start = hint.start()
        while start and not text[start - 1].isspace():
            start -= 1
        end = hint.end()
        while end < len(text) and not text[end].isspace():
            end += 1
        last_end = end
        yield text[start:end]


def swear_words(text: str) -> tuple[str, ...]:
    """The swearing in ``text``, plain or disguised (003 D3.3), as it was written."""
    low = text.lower()
    found = []
    plain = tuple(word for word in set(LETTERS_RE.findall(low)) if _is_swear_word(word))
    if plain:
        for match in _words_pattern(plain).finditer(text):
            if match.group().lower() == "bloody" and BLOODY_LITERAL.match(text, match.end()):
                continue
            found.append(match.group())
    if "off" in low or "cock" in low or "bitch" in low:
        found += [m.group() for m in SWEAR_PHRASE_RE.finditer(text)]
    for token in _disguise_candidates(text):  # sh1t, f***ing, shiiiit, a-holes
        if _swear_token(token):
            found.append(token.strip(EDGE_PUNCTUATION))
    for match in SPACED_LETTERS_RE.finditer(text):  # f u c k, s.h.i.t
        joined = SPACED_SEPARATORS_RE.sub("", match.group()).lower().translate(LEET)
        if _is_swear_word(joined, disguised=True):
            found.append(match.group())
    if "#" in text:
        for match in HASHTAG_RE.finditer(text):  # #WhatTheFuck
            words = [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", match.group(1))]
            if len(words) > 1 and any(_is_swear_word(w) for w in words):
                found.append(match.group())
    return _unique(found)


# --- Personal data ---------------------------------------------------------------------------------
def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("44") else digits


def phone_numbers(text: str, council_numbers=()) -> tuple[str, ...]:
    """Phone numbers that may belong to a person: mobile and geographic numbers, not the council's own,
    not a service number (0300, 0800…) and not a landline given just after an organisation's name.

    Ofcom's ranges for drama (07700 900xxx, 0121 496 0xxx) count: people quote them in examples."""
    own = {_digits(number) for number in council_numbers}
    found = []
    for match in PHONE_RE.finditer(text):
        digits = _digits(match.group())
        if len(digits) not in (10, 11) or not digits.startswith(PERSONAL_NUMBER_PREFIXES) or digits in own:
            continue
        if not digits.startswith("07") and ORGANISATION_BEFORE_NUMBER_RE.search(text, 0, match.start()):
            continue
        if match.group().isdigit() and REFERENCE_BEFORE_NUMBER_RE.search(text, 0, match.start()):
            continue  # "invoice 0123456789": a reference written without spaces
        found.append(match.group().strip())
    return _unique(found)


def personal_email_addresses(text: str, council_domains=()) -> tuple[str, ...]:
    """Email addresses that name a person (first.last@, a given name@) or are a personal mailbox."""
    found = []
    for match in _around(EMAIL_RE, text, "@", before=64, after=255):
        local, domain = match.group(1).lower(), match.group(2).lower()
        parts = [part for part in EMAIL_PARTS_RE.split(local.rstrip("0123456789")) if part]
        if domain in PERSONAL_EMAIL_DOMAINS:
            found.append(match.group())
        elif not parts or any(part in GENERIC_MAILBOX_WORDS or not part.isalpha() for part in parts):
            continue
        elif len(parts) == 2 or (len(parts) == 1 and parts[0] in GIVEN_NAMES):
            found.append(match.group())  # first.last, j.smith, or a given name
    return _unique(found)


def _around(pattern: re.Pattern, text: str, anchor: str, *, before: int, after: int):
    """``pattern``'s matches that contain ``anchor``, searched only near each ``anchor``: a full scan of a
    long draft costs more than a few short ones."""
    seen = set()
    index = text.find(anchor)
    while index != -1:
        start = max(0, index - before)
        for match in pattern.finditer(text, start, min(len(text), index + after)):
            if match.start() <= index < match.end() and match.span() not in seen:
                seen.add(match.span())
                yield match
        index = text.find(anchor, index + 1)


def home_addresses(text: str) -> tuple[str, ...]:
    found = []
    for postcode in POSTCODE_RE.finditer(text):  # search back from each postcode only
        window_start = max(0, postcode.start() - 160)
        ends_here = [m for m in HOUSE_ADDRESS_RE.finditer(text, window_start, postcode.end())]
        match = next((m for m in ends_here if m.end() == postcode.end()), None)
        if match is None:
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        venue = VENUE_BEFORE_ADDRESS_RE.search(before)
        if venue and not TITLE_BEFORE_RE.search(before[: venue.start()]):  # "Mrs Patricia Hall, 12 …"
            continue
        found.append(match.group())
    return _unique(found)


def personal_data(text: str, rules: Rules = Rules()) -> tuple[str, ...]:
    """Phone numbers, email addresses, NI numbers, home addresses, dates of birth and bank details."""
    low = text.lower()
    found = phone_numbers(text, rules.council_phone_numbers)
    if "@" in text:
        found += personal_email_addresses(text, rules.council_email_domains)
    found += _unique(m.group().strip() for m in NI_RE.finditer(text))
    if "ni" in low or "national insurance" in low:
        found += _unique(m.group().strip() for m in NI_CUED_RE.finditer(text))
    if POSTCODE_RE.search(text):
        found += home_addresses(text)
    if "birth" in low or "dob" in low or "d.o.b" in low or "born" in low:
        found += _unique(m.group().strip() for m in DATE_OF_BIRTH_RE.finditer(text))
    if "sort code" in low or "account" in low:
        found += _unique(m.group() for m in BANK_DETAILS_RE.finditer(text))
    return _unique(found)


# --- Politics, purdah and campaigns ----------------------------------------------------------------
def political_terms(text: str, rules: Rules = Rules()) -> tuple[str, ...]:
    """Party-political content (001 §17; 004 Don't 3): parties, slogans, votes, party leaders."""
    patterns = _compiled(rules)
    low = text.lower()
    found = []
    for keys, pattern in patterns["political"]:
        if any(key in low for key in keys):
            found += [m.group().strip() for m in pattern.finditer(text)]
    if "(" in text:
        found += [m.group() for m in PARTY_TAG_RE.finditer(text)]
    if "vot" in low:
        found += _votes_for_people(text, rules)
    if "labour" not in low and "conservative" not in low:
        return _unique(found)
    for match in BARE_PARTY_WORD_RE.finditer(text):  # Labour, Conservative: not "Labour costs"
        if ORDINARY_AFTER_PARTY_WORD_RE.match(text, match.end(1)):
            continue
        if match.group(1) == "Labour" and ORDINARY_BEFORE_LABOUR_RE.search(text, 0, match.start()):
            continue
        found.append(match.group())
    return _unique(found)


def _votes_for_people(text: str, rules: Rules) -> list[str]:
    """ "vote for Sarah Jones", "vote for Cllr Smith", or a councillor on Communications' list."""
    found = []
    for match in _compiled(rules)["vote_for_name"].finditer(text):
        if match.group(1).lower() in GIVEN_NAMES or "Cllr" in match.group() or "Councillor" in match.group():
            found.append(match.group())
    councillors = _gated_terms(text.lower(), _compiled(rules)["councillors"])
    if councillors is not None:
        for match in re.finditer(r"\bvot(?:e|ing)\s+for\s+", text, re.I):
            if named := councillors.match(text, match.end()):
                found.append(match.group() + named.group())
    return found


def councillors_named(text: str, rules: Rules = Rules()) -> tuple[str, ...]:
    low = text.lower()
    named = (
        [m.group() for m in COUNCILLOR_TITLE_RE.finditer(text)]
        if ("cllr" in low or "councillor" in low)
        else []
    )
    councillors = _gated_terms(low, _compiled(rules)["councillors"])
    if councillors is not None:
        named += [m.group() for m in councillors.finditer(text)]
    return _unique(named)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n")
    rights = [i for i in (text.find(mark, end) for mark in ".!?\n") if i != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


def campaigns_backed(text: str, rules: Rules = Rules()) -> tuple[str, ...]:
    """Joining, backing or asking people to sign a campaign or petition (004 Don't 2).

    The council's own campaigns ("back our … campaign") and those on the decided list are not found."""
    decided = _compiled(rules)["decided"]
    low = text.lower()
    found = []
    for key, pattern in (("petition", PETITION_ASK_RE), ("campaign", CAMPAIGN_ASK_RE)):
        if key not in low:
            continue
        for match in pattern.finditer(text):
            between = (match.groupdict().get("between") or "").strip(" :,-")
            if between.startswith("our ") and "petition" not in match.group().lower():
                continue  # the council's own campaign
            if decided is not None and decided.search(_sentence_around(text, match.start(), match.end())):
                continue
            found.append(match.group())
    return _unique(found)


def new_campaigns(text: str) -> tuple[str, ...]:
    if "campaign" not in text.lower():
        return ()
    return _unique(m.group() for m in NEW_CAMPAIGN_RE.finditer(text))


# --- Accessibility ---------------------------------------------------------------------------------
def hashtags_without_capitals(text: str) -> tuple[str, ...]:
    """Hashtags of more than one word written all in lower or upper case (#binitright → #BinItRight)."""
    if "#" not in text:
        return ()
    found = []
    for match in HASHTAG_RE.finditer(text):
        tag = match.group(1)
        if not tag.isalpha() or (not tag.islower() and not tag.isupper()) or len(tag) < 6:
            continue
        if tag.isupper() and tag in ACRONYMS:
            continue
        if _several_words(tag.lower()):
            found.append("#" + tag)
    return _unique(found)


@lru_cache(maxsize=1024)
def _several_words(letters: str) -> bool:
    """Letters that read as two or more words (wordninja's English word frequencies): binitright."""
    parts = wordninja.split(letters)
    return len(parts) >= 2 and all(len(part) >= 2 for part in parts)


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END_RE.split(_replace_urls(text, "link")) if s.strip()]


def emoji_advice(text: str) -> tuple[tuple[str, ...], int]:
    """Emoji at the start or in the middle of a sentence, and how many emoji the post has in all.

    An emoji straight after a sentence's full stop, question or exclamation mark ends that sentence."""
    if text.isascii() or not SINGLE_EMOJI_RE.search(text):
        return (), 0
    placed = []
    for match in EMOJI_RE.finditer(text):
        start, end = match.start(), match.end()
        while start and text[start - 1] in " \t":
            start -= 1
        while end < len(text) and text[end] in " \t":
            end += 1
        words_follow = end < len(text) and (text[end].isalnum() or text[end] == "£")
        previous = text[start - 1] if start else "\n"
        if words_follow and previous not in ".!?":  # at the start of a line, or after a word
            placed.append(match.group())
    flags = len(FLAG_RE.findall(text))
    return _unique(placed), len(SINGLE_EMOJI_RE.findall(text)) - flags


def long_sentences(text: str) -> tuple[str, ...]:
    """Sentences of more than 25 words (a link or a hashtag is not a word)."""
    if len(text.split()) <= MAX_SENTENCE_WORDS:
        return ()
    found = []
    for sentence in _sentences(text):
        words = sentence.split()
        if len(words) <= MAX_SENTENCE_WORDS:
            continue
        words = [w for w in words if not w.startswith("#") and any(c.isalnum() for c in w)]
        if len(words) > MAX_SENTENCE_WORDS:
            found.append(" ".join(sentence.split()[:8]) + " …")
    return tuple(found)


def capitals(text: str) -> tuple[str, ...]:
    """Words in capitals that are not acronyms: a run of three, two of four letters or more, or one of six."""
    clean = _replace_urls(text, " ")
    if "#" in clean:
        clean = HASHTAG_RE.sub(" ", clean)
    runs: list[list[re.Match]] = []
    for match in CAPS_WORD_RE.finditer(clean):
        gap = clean[runs[-1][-1].end() : match.start()] if runs else "x"
        if runs and len(gap) <= 3 and not re.search(r"[A-Za-z0-9]", gap):
            runs[-1].append(match)
        else:
            runs.append([match])
    found = []
    for run in runs:
        words = [m.group().strip("'’") for m in run]
        shouted = [word for word in words if word not in ACRONYMS]
        if shouted and (
            len(words) >= 3 or sum(len(w) >= 4 for w in shouted) >= 2 or any(len(w) >= 6 for w in shouted)
        ):
            found.append(clean[run[0].start() : run[-1].end()])
    return _unique(found)


# --- The checker -----------------------------------------------------------------------------------
def check_post(draft: Draft, rules: Rules = Rules(), context: Context = Context()) -> list[Finding]:
    """Every finding for ``draft``, in the order a writer would act on them: whether to post at all,
    its length, what it says, how it is written, consent for its pictures, its accessibility, and
    how much the account has posted today."""
    return [
        *_moment_findings(context),
        *_length_findings(draft),
        *_content_findings(draft.text, rules, context),
        *_writing_findings(draft.text, rules),
        *_consent_findings(draft),
        *accessibility_findings(draft),
        *_posting_today_findings(context),
    ]


def _moment_findings(context: Context) -> list[Finding]:
    """During an emergency, only its named Communications officers post (003 D9.1)."""
    findings: list[Finding] = []
    if context.emergency and not context.named_officer:
        findings.append(
            Finding(
                "emergency",
                "The council's emergency procedures are in force: do not post this or anything else. "
                "Only the named Communications officers post on council accounts until the all-clear.",
                POLICY_EMERGENCY,
            )
        )
    return findings


def _length_findings(draft: Draft) -> list[Finding]:
    """Over the platform's limit, or too long to share on X (004 Part C)."""
    text = draft.text
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
    return findings


def _content_findings(text: str, rules: Rules, context: Context) -> list[Finding]:
    """What the post says: swearing, personal data, party politics and campaigns; in purdah, named
    councillors and new campaigns."""
    findings: list[Finding] = []
    if swearing := swear_words(text):
        findings.append(
            Finding(
                "swearing",
                "Remove the swearing, even disguised with stars, spaces or numbers: it is not permitted "
                "under any circumstances.",
                POLICY_SWEARING,
                swearing,
            )
        )

    if personal := personal_data(text, rules):
        findings.append(
            Finding(
                "personal_data",
                "The post seems to contain personal data (a phone number, email address, National Insurance "
                "number, home address, date of birth or bank details). Remove it, or use the service's "
                "generic contact details.",
                POLICY_PERSONAL_DATA,
                personal,
            )
        )

    if political := political_terms(text, rules):
        findings.append(
            Finding(
                "party_political",
                "Council accounts stay politically neutral all year: no party names, party slogans, calls "
                "to vote for a party or a person, or praise or blame of a party or politician.",
                POLICY_POLITICAL,
                political,
            )
        )
    if context.purdah and (named := councillors_named(text, rules)):
        findings.append(
            Finding(
                "names_councillor",
                "It is purdah: do not name or promote individual councillors.",
                POLICY_PURDAH,
                named,
            )
        )
    if campaigns := campaigns_backed(text, rules):
        findings.append(
            Finding(
                "campaign_or_petition",
                "Council accounts do not join, back or ask people to sign a campaign or petition unless "
                "cabinet or council has decided to. If it has, ask Communications to add it to the list "
                "of decided campaigns.",
                POLICY_CAMPAIGN,
                campaigns,
            )
        )
    if context.purdah and (launched := new_campaigns(text)):
        findings.append(
            Finding(
                "purdah_new_campaign",
                "It is purdah: do not launch new campaigns until the election is over.",
                POLICY_PURDAH,
                launched,
            )
        )
    return findings


def _writing_findings(text: str, rules: Rules) -> list[Finding]:
    """A call to action, and plain English (004 rule 2; 003 D3.3)."""
    patterns = _compiled(rules)
    findings: list[Finding] = []
    if not _url_spans(text) and "@" not in text and not patterns["cta"].search(text):
        findings.append(
            Finding(
                "no_call_to_action",
                "Add a call to action: a short link to the page on our website where people can "
                "find out more.",
                "004 rule 2",
            )
        )

    jargon_pattern = _gated_terms(text.lower(), patterns["jargon"])
    if jargon_pattern is not None and (jargon := _unique(m.group() for m in jargon_pattern.finditer(text))):
        suggestions = _jargon_suggestions(rules)
        plain = []
        for term in jargon:
            plain += [f"“{term}” → “{s}”" for pattern, s in suggestions if s and pattern.match(term)][:1]
        message = "Use plain English instead of jargon."
        if plain:
            message += " Try: " + "; ".join(plain) + "."
        findings.append(Finding("jargon", message, "003 D3.3; 004 rule 2", jargon))
    return findings


def _consent_findings(draft: Draft) -> list[Finding]:
    """Pictures of children need a current signed consent form (004 Don't 9)."""
    findings: list[Finding] = []
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


def _posting_today_findings(context: Context) -> list[Finding]:
    """The account's original posts today against its platform's guideline (004 Part C; 003 D5.2)."""
    findings: list[Finding] = []
    if context.posts_today is not None and context.posting_guideline is not None:
        posts, per_days = context.posting_guideline
        a_day = max(1, -(-posts // per_days))
        if context.posts_today >= a_day:
            guideline = f"{posts} a day" if per_days == 1 else f"{posts} every {per_days} days"
            findings.append(
                Finding(
                    "posting_today",
                    f"This account has already made {context.posts_today} "
                    f"post{'s' if context.posts_today != 1 else ''} today; the guideline for "
                    f"{context.platform_name or 'this platform'} is {guideline}. Avoid flooding followers' "
                    "streams: decide whether this needs to go out today.",
                    POLICY_FLOODING,
                )
            )
    return findings


def accessibility_findings(draft: Draft) -> list[Finding]:
    """Advice for accessible posts (GCS guidance on accessible social media; GDS social media playbook)."""
    return [
        *_symbol_findings(draft.text),
        *_readability_findings(draft.text),
        *_media_findings(draft),
        *_link_text_findings(draft.text),
    ]


def _symbol_findings(text: str) -> list[Finding]:
    """Hashtags, emoji and styled letters, which screen readers stumble on."""
    findings: list[Finding] = []
    if tags := hashtags_without_capitals(text):
        findings.append(
            Finding(
                "hashtag_case",
                "Write each word of a hashtag with a capital letter (#BinItRight), so screen readers read "
                "the words and everyone can see them.",
                GUIDANCE_GCS,
                tags,
            )
        )
    placed, total = emoji_advice(text)
    if placed:
        findings.append(
            Finding(
                "emoji_placement",
                "Put emoji at the end of the post, not at the start or in the middle of a sentence: screen "
                "readers read out each one's name.",
                GUIDANCE_GCS,
                placed,
            )
        )
    if total > MAX_EMOJI:
        findings.append(
            Finding(
                "emoji_count",
                f"Use no more than {MAX_EMOJI} emoji in a post; this one has {total}.",
                GUIDANCE_GCS,
            )
        )
    if not text.isascii() and (styled := _unique(m.group() for m in STYLED_LETTERS_RE.finditer(text))):
        findings.append(
            Finding(
                "styled_letters",
                "Do not use bold, italic or other styled letters made from special characters: screen "
                "readers cannot read them and search cannot find them. Use ordinary text.",
                GUIDANCE_GCS,
                ("".join(styled[:10]),),
            )
        )
    return findings


def _readability_findings(text: str) -> list[Finding]:
    """Long sentences and words in capitals."""
    findings: list[Finding] = []
    if long := long_sentences(text):
        findings.append(
            Finding(
                "long_sentence",
                f"Keep sentences to {MAX_SENTENCE_WORDS} words or fewer.",
                GUIDANCE_GDS,
                long,
            )
        )
    if shouted := capitals(text):
        findings.append(
            Finding(
                "capitals",
                "Do not write words in capitals (except acronyms): they are harder to read and some screen "
                "readers spell them out.",
                GUIDANCE_GCS,
                shouted,
            )
        )
    return findings


def _media_findings(draft: Draft) -> list[Finding]:
    """Alt text for an image, captions for a video."""
    findings: list[Finding] = []
    if draft.has_image and not draft.alt_text.strip():
        findings.append(
            Finding(
                "image_without_alt_text",
                "Add alt text that describes the image for people who cannot see it.",
                GUIDANCE_GCS,
            )
        )
    if draft.has_video and not draft.has_captions:
        findings.append(
            Finding("video_without_captions", "Add captions to the video before you post it.", GUIDANCE_GCS)
        )
    return findings


def _link_text_findings(text: str) -> list[Finding]:
    """Link text that makes sense on its own, not “click here”."""
    findings: list[Finding] = []
    low = text.lower()
    link_words = "here" in low or "click" in low or "tap " in low or "press " in low
    if link_words and (poor := _unique(m.group().strip() for m in POOR_LINK_TEXT_RE.finditer(text))):
        findings.append(
            Finding(
                "link_text",
                "Say where a link goes instead of “click here”: link text should make sense on its own.",
                GUIDANCE_GCS,
                poor,
            )
        )
    return findings


def normalise(text: str) -> str:
    """The text with compatibility characters folded (for callers that want to compare drafts)."""
    return unicodedata.normalize("NFKC", text)
