"""A year of demo history for ``seed_demo`` (issue 13 item 7): deterministic, through the services.

Twelve months of enquiries and posts on every active account, so the dashboard's lines have a
year to show: enquiries peak with the seasons (bins and gritting in winter, council tax bills in
March, events and the countryside in summer, bonfire night in November); most are answered in
time, some with a holding reply first, some late — more of them in the busy months — and each
late one was flagged while it waited and the flag cleared when it was answered (000 §25). Posts
follow each platform's guideline (003 D5.2) with the dips real teams have: the summer holidays,
the week after Christmas, and an Instagram account that went quiet for a spring.

Seeded random, so every run makes the same year; a second run adds nothing.
"""

# ruff: noqa: E501  (the demo's questions and answers read better whole)

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from accounts_register.models import AccountKind, AccountStatus, SocialMediaAccount
from councilsocial.calendar.rules import LONDON

from .dashboard import first_month
from .models import Enquiry, PostKind, ResponseKind
from .services import enquiries_ingest, enquiry_flags_reconcile, enquiry_record_response, posts_ingest

PREFIX = "demo-history"
SEED = 13

# Months (1-12) where each topic is busier, and how much: most topics are asked about all year.
SEASONS = {
    "bins": {12: 3.0, 1: 2.5},
    "gritting": {12: 3.0, 1: 3.5, 2: 2.0, 11: 1.2},
    "council_tax": {3: 4.0, 4: 2.0},
    "events": {6: 2.5, 7: 3.0, 8: 3.0, 12: 1.5},
    "countryside": {5: 1.8, 6: 2.5, 7: 3.0, 8: 3.0},
    "planning": {},
    "bonfire": {10: 2.0, 11: 4.0},
    "building": {},
}
# What the public ask, and what the council answers, by topic.
QUESTIONS = {
    "bins": [
        (
            "My bin wasn't emptied this morning on Church Street, can someone come back?",
            "Sorry about that. We've logged the missed collection and the crew will return within two working days.",
        ),
        (
            "What are the bin collection days over Christmas?",
            "Collections move by a day over Christmas and New Year; the full list is on our website under bins and recycling.",
        ),
        (
            "Can I put wrapping paper in the blue bin?",
            "Plain wrapping paper yes, but not the shiny or glittery kind; that goes in the general waste bin.",
        ),
    ],
    "gritting": [
        (
            "Is Rugeley Road going to be gritted tonight?",
            "Gritting is done by Staffordshire County Council; we've passed your question on and their routes are on their website.",
        ),
        (
            "The pavement outside the health centre is like an ice rink, who do I tell?",
            "Thank you for telling us. We've reported it to the county council's highways team today.",
        ),
    ],
    "council_tax": [
        (
            "My council tax bill has gone up, how do I check the band?",
            "Bands are set by the Valuation Office Agency; our council tax page explains how to check and challenge yours.",
        ),
        (
            "Can I pay my council tax over 12 months instead of 10?",
            "Yes. Send us a direct message with your account number and we'll change the instalments for you.",
        ),
        (
            "I've moved out of the district, how do I close my council tax account?",
            "Please tell us your moving date through the online form on our website and we'll send a final bill.",
        ),
    ],
    "events": [
        (
            "What time does the fireworks display start at the park?",
            "Gates open at 6pm and the display starts at 7.30pm. Please leave dogs at home.",
        ),
        (
            "Is there parking for the summer fun day?",
            "There's no parking on site, but the Avon Road car park is free that day and it's a short walk.",
        ),
        (
            "Are stalls still available at the Christmas market?",
            "A few are. The application form is on our events page and closes on 1 November.",
        ),
    ],
    "countryside": [
        (
            "Is the Birches Valley car park open this weekend?",
            "Yes, it's open from 8am to dusk at the weekend.",
        ),
        (
            "Someone's lit a barbecue on the heath near the visitor centre, is that allowed?",
            "No: barbecues are banned on the Chase because of the fire risk. We've asked a ranger to go and look.",
        ),
        (
            "Are dogs allowed on the trail around the pools?",
            "Yes, on a lead please, as ground-nesting birds are breeding until the end of July.",
        ),
    ],
    "planning": [
        (
            "When will the decision on the old power station site be made?",
            "It is due to go to the planning committee next month; the papers will be on our website a week before.",
        ),
        (
            "How do I comment on a planning application?",
            "Search for the application on our planning portal and use the comment button on its page.",
        ),
    ],
    "bonfire": [
        (
            "Kids are letting fireworks off in the park every night, can something be done?",
            "Thank you for reporting it. We've shared it with the police and our community safety officers will patrol this week.",
        ),
        (
            "Where can I report antisocial behaviour near the shops?",
            "You can report it to us online or call 101; in an emergency always call 999.",
        ),
    ],
    "building": [
        (
            "Do I need building regulations approval for a garage conversion?",
            "Yes, in most cases. Our building control team can advise; their contact details are on our website.",
        ),
        (
            "Can you check the wall at the back of my neighbour's house? It looks dangerous.",
            "We've asked a surveyor to visit and assess it today.",
        ),
    ],
}
AUTHORS = [
    "resident_cannock",
    "hednesford_mum",
    "chase_walker",
    "rugeley_news",
    "norton_canes_dad",
    "heath_hayes_runner",
    "bridgtown_baker",
    "cannock_cyclist",
    "brereton_gardener",
    "etchinghill_family",
]
# The topics each service's accounts are asked about.
TOPICS = {
    "Policy and Communications": ["bins", "gritting", "council_tax", "events", "planning"],
    "Countryside Service": ["countryside", "events"],
    "Economic Development": ["events", "countryside"],
    "Building Control": ["building", "planning"],
    "Community Safety": ["bonfire", "events"],
}
# Enquiries a day on a quiet month, by platform, for corporate and other accounts.
ENQUIRY_RATE = {"x": 0.6, "facebook": 0.8, "instagram": 0.2, "youtube": 0.04, "linkedin": 0.02}
# Original posts a day, by platform, for corporate accounts (003 D5.2) and other accounts.
POST_RATE = {"x": 1.9, "facebook": 1.5, "instagram": 0.4, "youtube": 0.07, "linkedin": 0.05}
DEPARTMENTAL_POST_RATE = 0.35
# Months when the team is stretched (late replies more likely) or away (fewer posts).
BUSY = {12: 0.2, 1: 0.22, 3: 0.18, 8: 0.14}
LATE_USUALLY = 0.05
QUIET_POSTING = {8: 0.75, 12: 0.8}
POST_TEXT = {
    "bins": "Bins and recycling: check your collection day on our website, and thank you for recycling.",
    "gritting": "Cold snap: take care on icy paths and check on elderly neighbours.",
    "council_tax": "Council tax bills for the new year are on their way; pay by direct debit online.",
    "events": "What's on this weekend across Cannock Chase: markets, music and family fun.",
    "countryside": "Out on the Chase today? Keep to the paths, take your litter home, no barbecues.",
    "planning": "The planning committee meets on Wednesday; agendas and papers are online.",
    "bonfire": "Bonfire night: enjoy organised displays safely and report nuisance fireworks.",
    "building": "Planning an extension? Talk to Building Control before you start.",
}
PUBLISHERS = ["Jordan Hughes", "Taylor Brooks", "Casey Lin", "Sam Patel", "Alex Morgan"]


@dataclass(frozen=True)
class HistoryResult:
    enquiries: int
    posts: int
    flags: int


def _days(start: date, end: date):
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def _season(topic: str, month: int) -> float:
    return SEASONS[topic].get(month, 1.0)


def _poisson(rng: random.Random, mean: float) -> int:
    """A small Poisson draw (Knuth), so quiet and busy days vary as they do."""
    limit, count, product = pow(2.718281828, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _received_at(rng: random.Random, day: date) -> datetime:
    """Mostly in office hours, some in the evening (due the next working day)."""
    hour = (
        rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 21])
        if day.weekday() < 5
        else rng.randint(9, 21)
    )
    return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=LONDON)


def seed_monitoring_history(*, now: datetime, months: int = 12) -> HistoryResult:
    """Create a year of enquiries, responses, posts and cleared flags on the active accounts.

    Does nothing if the history is already there (its platform ids start ``demo-history``).
    Returns what it created.
    """
    if Enquiry.objects.filter(platform_id__startswith=PREFIX).exists():
        return HistoryResult(0, 0, 0)
    accounts = list(
        SocialMediaAccount.objects.filter(status=AccountStatus.ACTIVE)
        .select_related("service")
        .order_by("pk")
    )
    start = first_month(now, months)
    # The accounts were in use long before the app (003 §5.7): registered by the start of the year
    # shown, so the posting guideline judges them over the whole of it.
    began = datetime.combine(start, time(0), tzinfo=LONDON)
    SocialMediaAccount.objects.filter(pk__in=[a.pk for a in accounts], created_at__gt=began).update(
        created_at=began
    )
    end = (now - timedelta(days=2)).astimezone(LONDON).date()  # the last days are the live demo's
    rng = random.Random(SEED)  # noqa: S311  # nosec B311 - demo data, not security
    posts = sum(_seed_posts(rng, account, start, end, now) for account in accounts)
    enquiries = flags = 0
    for account in accounts:
        made, flagged = _seed_enquiries(rng, account, start, end, now)
        enquiries += made
        flags += flagged
    return HistoryResult(enquiries=enquiries, posts=posts, flags=flags)


def _post_rate(account: SocialMediaAccount, day: date) -> float:
    if account.kind != AccountKind.CORPORATE:
        rate = DEPARTMENTAL_POST_RATE
    else:
        rate = POST_RATE.get(account.platform, 0.05)
    rate *= QUIET_POSTING.get(day.month, 1.0)
    if day.month == 12 and day.day >= 24:  # the week after Christmas: the office is shut
        rate *= 0.3
    if account.platform == "instagram" and account.kind == AccountKind.CORPORATE and day.month in (4, 5):
        rate *= 0.4  # the photographer left in the spring: under the guideline until a new one came
    if day.weekday() >= 5:
        rate *= 0.5
    return rate


def _seed_posts(rng: random.Random, account, start: date, end: date, now: datetime) -> int:
    topics = TOPICS.get(account.service.name, ["events"])
    items = []
    for day in _days(start, end):
        for n in range(_poisson(rng, _post_rate(account, day))):
            topic = max(topics, key=lambda t: _season(t, day.month) * rng.random())
            platform_id = f"{PREFIX}-post-{account.pk}-{day:%Y%m%d}-{n}"
            items.append(
                {
                    "account": account.pk,
                    "platform_id": platform_id,
                    "posted_at": datetime.combine(
                        day, time(rng.randint(8, 19), rng.randint(0, 59)), tzinfo=LONDON
                    ),
                    "kind": PostKind.ORIGINAL if rng.random() > 0.15 else PostKind.SHARE,
                    "text": POST_TEXT[topic],
                    "url": f"{account.url.rstrip('/')}/posts/{platform_id}",
                    "published_by": rng.choice(PUBLISHERS),
                }
            )
    return posts_ingest(items=items, now=now).created


def _seed_enquiries(rng: random.Random, account, start: date, end: date, now: datetime) -> tuple[int, int]:
    """The account's year of enquiries and what became of each; returns (enquiries, flags cleared)."""
    topics = TOPICS.get(account.service.name, ["events"])
    base = ENQUIRY_RATE.get(account.platform, 0.05) * (1.0 if account.kind == AccountKind.CORPORATE else 0.35)
    items, plans = [], []
    for day in _days(start, end):
        for topic in topics:
            mean = base / len(topics) * _season(topic, day.month) * (0.4 if day.weekday() >= 5 else 1.0)
            for n in range(_poisson(rng, mean)):
                question, answer = rng.choice(QUESTIONS[topic])
                items.append(
                    {
                        "account": account.pk,
                        "platform_id": f"{PREFIX}-enquiry-{account.pk}-{day:%Y%m%d}-{topic}-{n}",
                        "received_at": _received_at(rng, day),
                        "author": rng.choice(AUTHORS),
                        "text": question,
                        "channel": rng.choice(["comment", "comment", "mention", "direct_message"]),
                    }
                )
                plans.append((answer, rng.random(), rng.random(), rng.random()))
    if not items:
        return 0, 0
    result = enquiries_ingest(items=items, now=now)
    flags = 0
    for enquiry, (answer, fate, late_draw, pace) in zip(result.records, plans, strict=True):
        flags += _answer(enquiry, answer, fate, late_draw, pace, now=now)
    return result.created, flags


def _answer(
    enquiry: Enquiry, answer: str, fate: float, late_draw: float, pace: float, *, now: datetime
) -> int:
    """Record what became of one enquiry, as the officer did at the time (never after ``now``);
    returns 1 if it was flagged while it waited."""
    received, due = enquiry.received_at, enquiry.response_due_at
    latest = now - timedelta(minutes=1)
    if fate < 0.03:  # spam or abuse: no response needed (004 Don't 5–6)
        enquiry_record_response(
            enquiry=enquiry,
            kind=ResponseKind.NO_RESPONSE_NEEDED,
            responded_at=received + timedelta(minutes=20),
            reason="spam" if fate < 0.02 else "abusive",
            now=received + timedelta(minutes=20),
        )
        return 0
    month = received.astimezone(LONDON).month
    if late_draw < BUSY.get(month, LATE_USUALLY) and due + timedelta(hours=2) < latest:
        # Late: flagged an hour after the deadline, cleared when the answer went out (000 §25).
        answered = min(due + timedelta(hours=1 + pace * 30), latest)
        enquiry_flags_reconcile(now=due + timedelta(hours=1), only=[enquiry.pk])
        enquiry_record_response(
            enquiry=enquiry, kind=ResponseKind.FULL, responded_at=answered, text=answer, now=answered
        )
        # Cleared as the answer went out, not when this command's transaction commits.
        enquiry_flags_reconcile(now=answered, only=[enquiry.pk])
        return 1
    if fate < 0.15:  # a holding reply first, while an expert is asked (003 D4.6)
        holding = received + (due - received) * (0.05 + 0.2 * pace)
        enquiry_record_response(
            enquiry=enquiry,
            kind=ResponseKind.HOLDING,
            responded_at=holding,
            text="Thanks for getting in touch. We're checking with the team and will come back to you.",
            now=holding,
        )
        answered = min(due + timedelta(hours=2 + pace * 40), latest)
        enquiry_record_response(
            enquiry=enquiry, kind=ResponseKind.FULL, responded_at=answered, text=answer, now=answered
        )
        return 0
    answered = received + (due - received) * (0.05 + 0.7 * pace)
    enquiry_record_response(
        enquiry=enquiry, kind=ResponseKind.FULL, responded_at=answered, text=answer, now=answered
    )
    return 0
