"""Demo monitoring data for ``seed_demo`` (the lead wires it in): idempotent, through the services.

For each active account on the register: a few posts over the last weeks and a handful of enquiries
— one answered in time, one with a holding reply, one overdue, one just in — so the inbox, the
flags and the dashboard have something to show. Platform ids are fixed, so running it again adds
nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts_register.models import AccountStatus, SocialMediaAccount

from .models import Enquiry, EnquiryStatus, ResponseKind
from .services import enquiries_ingest, enquiry_record_response, posts_ingest, response_stats_refresh

QUESTIONS = [
    ("resident_cannock", "Is the household waste centre open on the bank holiday?", "comment"),
    ("hednesford_mum", "Who do I contact about a missed bin collection?", "direct_message"),
    ("chase_walker", "Are the Birches Valley car parks open this weekend?", "mention"),
    ("rugeley_news", "When will the planning decision for the old power station site be made?", "comment"),
]


def seed_monitoring_demo(*, now: datetime, accounts: int = 6) -> int:
    """Create the demo posts and enquiries for up to ``accounts`` active accounts; returns how many
    enquiries were new."""
    chosen = list(SocialMediaAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("pk")[:accounts])
    created = 0
    for account in chosen:
        posts = [
            {
                "account": account.pk,
                "platform_id": f"demo-post-{account.pk}-{n}",
                "posted_at": now - timedelta(days=n),
            }
            for n in range(0, 21, 3)
        ]
        posts_ingest(items=posts, now=now)
        items = [
            {
                "account": account.pk,
                "platform_id": f"demo-enquiry-{account.pk}-{n}",
                "received_at": now - age,
                "author": author,
                "text": text,
                "channel": channel,
            }
            for n, (age, (author, text, channel)) in enumerate(
                zip(
                    [timedelta(days=9), timedelta(days=2), timedelta(days=4), timedelta(minutes=40)],
                    QUESTIONS,
                    strict=True,
                )
            )
        ]
        result = enquiries_ingest(items=items, now=now)
        created += result.created
        answered, holding = result.records[0], result.records[1]
        if answered.status == EnquiryStatus.OPEN:
            enquiry_record_response(
                enquiry=answered,
                kind=ResponseKind.FULL,
                responded_at=answered.received_at + timedelta(hours=2),
                now=now,
            )
        if Enquiry.objects.get(pk=holding.pk).status == EnquiryStatus.OPEN:
            enquiry_record_response(
                enquiry=holding,
                kind=ResponseKind.HOLDING,
                responded_at=holding.received_at + timedelta(minutes=30),
                now=now,
            )
    response_stats_refresh(now=now, months=13)
    return created
