"""Reads for monitoring: enquiry deadlines by account, the inbox."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404

from accounts_register.models import AccountKind

from .models import Enquiry, ResponsePolicy


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
    return get_object_or_404(Enquiry.objects.for_user(user).select_related("account__service"), pk=pk)


def inbox_enquiries(user, *, service_id: int | None = None, duty_first: bool = False):
    """Open enquiries the person answers for, soonest deadline first (``enquiry_inbox_idx``).

    With ``duty_first`` (the duty officer, 000 Appendix 2), the corporate accounts' enquiries that
    nobody has been given come first.
    """
    enquiries = Enquiry.objects.for_user(user).open().select_related("account__service", "assigned_to")
    if service_id:
        enquiries = enquiries.filter(account__service_id=service_id)
    if duty_first:
        first = Case(
            When(assigned_to__isnull=True, account__kind=AccountKind.CORPORATE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return enquiries.order_by(first, "response_due_at", "pk")
    return enquiries.order_by("response_due_at", "pk")
