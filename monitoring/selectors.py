"""Reads for monitoring: enquiry deadlines by account, the inbox."""

from __future__ import annotations

from datetime import datetime, time

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Enquiry, Post, PostKind, ResponsePolicy


def fixed_hours_by_account(account_ids) -> dict[int, int]:
    """Accounts with a fixed-hours response policy (003 D8.3), in one query."""
    return dict(
        ResponsePolicy.objects.filter(account_id__in=set(account_ids)).values_list(
            "account_id", "fixed_hours"
        )
    )


def get_enquiry_for_user(user, pk: int, *, write: bool = False):
    """The one access check for enquiries: those of the person's services, or any for Comms.

    Everyone who may see an enquiry works on its account, so ``write`` asks nothing more; an
    enquiry the person may not see is a 404.
    """
    return get_object_or_404(Enquiry.objects.visible_to(user).select_related("account__service"), pk=pk)


def inbox_enquiries(user, *, service_id: int | None = None):
    """Open enquiries the person answers for, soonest deadline first (``enquiry_inbox_idx``)."""
    enquiries = Enquiry.objects.visible_to(user).open().select_related("account__service")
    if service_id:
        enquiries = enquiries.filter(account__service_id=service_id)
    return enquiries.order_by("response_due_at", "pk")


def account_posts_today(account, *, now: datetime) -> int:
    """The account's original posts so far today, local time (004 Part C; ``post_account_time_idx``).

    The content checker's count: monitoring hands it to ``operations.extensions`` at start-up.
    """
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return Post.objects.filter(
        account=account, kind=PostKind.ORIGINAL, posted_at__gte=start_of_day, posted_at__lte=now
    ).count()
