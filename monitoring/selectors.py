"""Reads for monitoring: enquiry deadlines by account, the inbox."""

from __future__ import annotations

from .models import ResponsePolicy


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
    from django.shortcuts import get_object_or_404

    from .models import Enquiry

    return get_object_or_404(Enquiry.objects.for_user(user).select_related("account__service"), pk=pk)


def inbox_enquiries(user, *, service_id: int | None = None):
    """Open enquiries the person answers for, soonest deadline first (``enquiry_inbox_idx``)."""
    from .models import Enquiry

    enquiries = Enquiry.objects.for_user(user).open().select_related("account__service")
    if service_id:
        enquiries = enquiries.filter(account__service_id=service_id)
    return enquiries.order_by("response_due_at", "pk")
