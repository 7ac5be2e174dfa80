"""What each kind of governance flag is about and how to clear it: one entry per kind.

A flag clears itself when its condition clears (the periodic checks resolve it), so "how to clear"
names what a person does to make the condition clear, and the page where they do it. Every page
here is computed from the flag's own columns (``kind``, ``subject_id``, ``account_id``), so a list
of flags needs no query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from councilsocial.flags.models import FLAG_REFERENCES, FlagKind, GovernanceFlag


@dataclass(frozen=True)
class FlagGuidance:
    subject: str  # what the flag is about, as a link label ("the enquiry")
    how_to_clear: str  # one sentence
    action: str  # the link label of the page where it is done
    subject_url: Callable[[GovernanceFlag], str]
    action_url: Callable[[GovernanceFlag], str]


def _account(flag: GovernanceFlag) -> str:
    return reverse("account-detail", kwargs={"pk": flag.account_id})


def _account_edit(flag: GovernanceFlag) -> str:
    return reverse("account-edit", kwargs={"pk": flag.account_id})


def _enquiry(flag: GovernanceFlag) -> str:
    return reverse("enquiry-respond", kwargs={"pk": flag.subject_id})


def _assessment(flag: GovernanceFlag) -> str:
    return reverse("risk-assessment-detail", kwargs={"pk": flag.subject_id})


def _case(flag: GovernanceFlag) -> str:
    return reverse("business-case-detail", kwargs={"pk": flag.subject_id})


def _policy(flag: GovernanceFlag) -> str:
    return reverse("policy")


GUIDANCE: dict[str, FlagGuidance] = {
    FlagKind.OVERDUE_ENQUIRY: FlagGuidance(
        "the enquiry",
        "Record a reply (a holding reply will do) and the flag clears.",
        "Record a reply",
        _enquiry,
        _enquiry,
    ),
    FlagKind.ACCOUNT_INACTIVE: FlagGuidance(
        "the account",
        "Post on the account, or upload its recent posts, and the flag clears at the next check.",
        "Upload the account's posts",
        _account,
        lambda flag: reverse("activity-import"),
    ),
    FlagKind.POSTING_BELOW_GUIDELINE: FlagGuidance(
        "the account",
        "Post as often as the platform's guideline asks; the flag clears when the week's posts reach it.",
        "Upload the account's posts",
        _account,
        lambda flag: reverse("activity-import"),
    ),
    FlagKind.TEMPORARY_ACCESS_EXPIRED: FlagGuidance(
        "the account",
        "End the person's temporary access, or agree a new review date, and the flag clears.",
        "End this access",
        _account,
        lambda flag: reverse("access-end", kwargs={"pk": flag.account_id, "access_pk": flag.subject_id}),
    ),
    FlagKind.RISK_REVIEW_OVERDUE: FlagGuidance(
        "the risk assessment",
        "Review the risk assessment and have the new version accepted by Communications.",
        "Review the risk assessment",
        _assessment,
        _assessment,
    ),
    FlagKind.CREDENTIALS_NOT_ROTATED: FlagGuidance(
        "the account",
        "Change the account's password and record the date it was changed.",
        "Record the password change",
        _account,
        _account_edit,
    ),
    FlagKind.BUSINESS_CASE_WAITING: FlagGuidance(
        "the business case",
        "Decide the business case (approve, return or reject it) and the flag clears.",
        "Decide the business case",
        _case,
        _case,
    ),
    FlagKind.ACCOUNT_REVIEW_OVERDUE: FlagGuidance(
        "the account",
        "Review the account with its owner and set its next review date.",
        "Set the next review date",
        _account,
        _account_edit,
    ),
    FlagKind.ACCOUNT_WITHOUT_OWNER: FlagGuidance(
        "the account",
        "Give someone owner access to the account and the flag clears.",
        "Give someone owner access",
        _account,
        lambda flag: reverse("access-grant", kwargs={"pk": flag.account_id}),
    ),
    FlagKind.CONNECTION_FAILING: FlagGuidance(
        "the account",
        "See the error on the account page; reconnect the account if it asks, and the flag clears at "
        "the next sync that works.",
        "See the connection",
        _account,
        _account,
    ),
    FlagKind.POLICY_REVIEW_DUE: FlagGuidance(
        "the social media policy",
        "Review the policy and publish the reviewed version; the next review is then six months away.",
        "Review the policy",
        _policy,
        _policy,
    ),
}


@dataclass(frozen=True)
class FlagRow:
    """A flag as a list shows it: what it is, links to its subject and to where it is cleared."""

    flag: GovernanceFlag
    label: str
    subject: str
    subject_url: str
    how_to_clear: str
    action: str
    action_url: str
    reference: str  # the policy paragraph, for a hint ("" when the rule is the council's own)


def flag_row(flag: GovernanceFlag) -> FlagRow:
    guidance = GUIDANCE[flag.kind]
    return FlagRow(
        flag=flag,
        label=flag.get_kind_display(),
        subject=guidance.subject,
        subject_url=guidance.subject_url(flag),
        how_to_clear=guidance.how_to_clear,
        action=guidance.action,
        action_url=guidance.action_url(flag),
        reference=FLAG_REFERENCES.get(flag.kind, ""),
    )
