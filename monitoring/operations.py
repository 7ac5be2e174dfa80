"""Operations services: emergencies, purdah, incidents, monitoring terms, training, policy sign-off.

Writes are functions taking keyword arguments and ``now``; each runs in one transaction and writes
its emails to the outbox in that same transaction. Views, the API and tests call these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django_fsm import ConcurrentTransition, has_transition_perm
from simple_history.utils import bulk_update_with_history

from accounts_register import services as account_services
from accounts_register.models import AccessRole, AuthorisedUser, Service, SocialMediaAccount, TrainingRecord
from councilsocial.forms import date_in_range, date_range_words
from councilsocial.lib import spreadsheets_read
from councilsocial.permissions import is_communications, is_corporate_director, is_service_officer

from .checks import account_flags_reconcile_on_commit
from .content_check import Context, Draft, Finding, Rules, check_post
from .models import (
    DecidedCampaign,
    Emergency,
    EmergencySuspension,
    Incident,
    IncidentAction,
    IncidentKind,
    MonitoringTerm,
    MonitoringTermStatus,
    Notification,
    PhotoConsent,
    PolicyAcknowledgement,
    PolicyReview,
    PolicyVersion,
    Post,
    PostKind,
    PurdahPeriod,
    Severity,
    WordListEntry,
    WordListKind,
)
from .models.calendar import add_months
from .services import notification_enqueue

BANNER_CACHE_KEY = "operations:banners"


class OperationRefused(Exception):
    """A request the rules refuse; the message is shown to the person as it is."""


def communications_email() -> str:
    return settings.COMMUNICATIONS_EMAIL


def _clear_banner_cache() -> None:
    """Forget the cached banners now and again after commit (a request in between may re-cache the old)."""
    cache.delete(BANNER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(BANNER_CACHE_KEY))


def _require_communications(user) -> None:
    if not is_communications(user):
        raise PermissionDenied


# --- Banners ----------------------------------------------------------------------------------
def active_banners(*, today: date | None = None) -> dict:
    """The emergency and the purdah period in force, in one query, cached for 30 seconds."""
    banners = cache.get(BANNER_CACHE_KEY)
    if banners is None:
        today = today or timezone.localdate()
        columns = ("kind", "ident", "label", "detail", "day")
        emergency = (
            Emergency.objects.active()
            .annotate(
                kind=Value("emergency"),
                ident=F("pk"),
                label=F("title"),
                detail=F("reason"),
                day=Cast("declared_at", DateField()),
            )
            .order_by()  # a compound statement's parts may not be ordered (SQLite)
            .values_list(*columns)
        )
        purdah = (
            PurdahPeriod.objects.active_on(today)
            .annotate(
                kind=Value("purdah"), ident=F("pk"), label=F("name"), detail=F("elections"), day=F("ends_on")
            )
            .order_by()
            .values_list(*columns)
        )
        banners = {"emergency": None, "purdah": None}
        for kind, ident, label, detail, day in emergency.union(purdah, all=True):
            if banners[kind] is None:
                banners[kind] = {
                    "pk": ident,
                    "title": label,
                    "name": label,
                    "elections": detail,
                    "ends_on": day,
                }
        cache.set(BANNER_CACHE_KEY, banners, 30)
    return banners


# --- Emergency (003 D9) -----------------------------------------------------------------------
def emergency_in_force() -> Emergency | None:
    """The emergency in force, if any: while it lasts no new access should be granted (003 D9.2)."""
    return Emergency.objects.active().first()


def emergency_declare(
    *, by, title: str, reason: str, holding_message: str, named_officers, now: datetime
) -> Emergency:
    """Declare an emergency: suspend everyone else's access to every account, email the owners (003 D9).

    In one transaction: every access in force of every person except the named Communications
    officers is suspended, and each such suspension is recorded against this emergency so lifting it
    restores exactly those. Each account owner gets the holding message once (003 D9.3); an account
    without an owner is written to at its generic admin mailbox (000 §11).
    """
    _require_communications(by)
    named_officers = list(named_officers)
    if not named_officers:
        raise OperationRefused("Name at least one Communications officer who may still post.")
    if any(not is_communications(person) for person in named_officers):
        raise OperationRefused(
            "Only Communications officers may keep posting during an emergency (003 D9.1)."
        )
    with transaction.atomic():
        if Emergency.objects.active().exists():
            raise OperationRefused("An emergency is already in force. Lift it before declaring another.")
        try:
            with transaction.atomic():
                emergency = Emergency.objects.create(
                    title=title,
                    reason=reason,
                    holding_message=holding_message,
                    declared_by=by,
                    declared_at=now,
                )
        except IntegrityError as exc:  # someone declared one at the same moment
            raise OperationRefused(
                "An emergency is already in force. Lift it before declaring another."
            ) from exc
        emergency.named_officers.set(named_officers)

        in_force = list(
            AuthorisedUser.objects.current(today=timezone.localdate(now))
            .select_related("person", "account")
            .select_for_update(of=("self",))
        )
        owners_of: dict[str, list[SocialMediaAccount]] = defaultdict(list)
        accounts_with_owner = set()
        for access in in_force:
            if access.role == AccessRole.OWNER and access.person.email:
                owners_of[access.person.email.lower()].append(access.account)
                accounts_with_owner.add(access.account_id)
        named_ids = {person.pk for person in named_officers}
        to_suspend = [access for access in in_force if access.person_id not in named_ids]
        reason_text = f"Emergency #{emergency.pk}: {title}"[:300]
        for access in to_suspend:
            access.suspended_at = now
            access.suspension_reason = reason_text
        bulk_update_with_history(
            to_suspend,
            AuthorisedUser,
            ["suspended_at", "suspension_reason"],
            default_user=by,
            default_change_reason=reason_text,
            default_date=now,
        )
        EmergencySuspension.objects.bulk_create(
            EmergencySuspension(emergency=emergency, authorised_user=access) for access in to_suspend
        )
        for account in SocialMediaAccount.objects.live().exclude(pk__in=accounts_with_owner):
            if account.admin_mailbox:
                owners_of[account.admin_mailbox.lower()].append(account)
        suspended_emails = {a.person.email.lower() for a in to_suspend if a.person.email}
        named_emails = {person.email.lower() for person in named_officers if person.email}
        for email, accounts in owners_of.items():
            names = "\n".join(f"- {account}" for account in sorted(set(accounts), key=str))
            if email in suspended_emails:
                whose = "and your access has been suspended (003 D9.1–9.2)"
            elif email in named_emails:
                whose = (
                    "(003 D9.1–9.2). You are named as one of the Communications officers who may still post, "
                    "so your own access has not been suspended"
                )
            else:  # an account's shared mailbox, not a person
                whose = (
                    "and the access of everyone except the named Communications officers has been suspended "
                    "(003 D9.1–9.2)"
                )
            notification_enqueue(
                to=email,
                subject=f"Emergency procedures in force: {title}",
                body=(
                    f"The council's emergency procedures are in force: {title}.\n\n"
                    "Until you hear that they are lifted, nobody except the named Communications officers "
                    f"may post on any council account, {whose}.\n\n"
                    "You may be asked to post this single holding message on the accounts below, "
                    "at the first opportunity (003 D9.3):\n\n"
                    f"{holding_message}\n\nThe accounts:\n{names}\n"
                ),
                dedupe_key=f"emergency:{emergency.pk}:holding:{email}"[:200],
                now=now,
            )
        _clear_banner_cache()
    return emergency


@dataclass(frozen=True)
class LiftReport:
    restored: int
    not_restored: int


def emergency_lift(*, emergency: Emergency, by, all_clear_message: str, now: datetime) -> LiftReport:
    """Lift the emergency: restore exactly the access it suspended, send the all-clear (003 D9.3).

    Access ended, expired, or suspended again for another reason during the emergency stays as it is.
    """
    with transaction.atomic():
        emergency = Emergency.objects.select_for_update().get(pk=emergency.pk)
        if not has_transition_perm(emergency.lift, by):
            if emergency.status != "active":
                raise OperationRefused("This emergency has already been lifted.")
            raise PermissionDenied
        try:
            emergency.lift(by=by, description=all_clear_message[:200])
            emergency.lifted_by = by
            emergency.lifted_at = now
            emergency.all_clear_message = all_clear_message
            emergency.save()
        except ConcurrentTransition as exc:
            raise OperationRefused("Someone else lifted this emergency first.") from exc

        suspensions = EmergencySuspension.objects.filter(emergency=emergency, restored_at__isnull=True)
        restorable = list(
            AuthorisedUser.objects.select_for_update()
            .filter(pk__in=suspensions.values("authorised_user"))
            .filter(ended_at__isnull=True, suspended_at=emergency.declared_at)
            .filter(suspension_reason__startswith=f"Emergency #{emergency.pk}:")
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate(now)))
        )
        reason_text = f"Emergency #{emergency.pk} lifted"
        for access in restorable:
            access.suspended_at = None
            access.suspension_reason = ""
        bulk_update_with_history(
            restorable,
            AuthorisedUser,
            ["suspended_at", "suspension_reason"],
            default_user=by,
            default_change_reason=reason_text,
            default_date=now,
        )
        restored = suspensions.filter(authorised_user__in=[a.pk for a in restorable]).update(restored_at=now)
        total = suspensions.model.objects.filter(emergency=emergency).count()

        holding_prefix = f"emergency:{emergency.pk}:holding:"
        suspended_emails = {
            email.lower()
            for email in EmergencySuspension.objects.filter(emergency=emergency).values_list(
                "authorised_user__person__email", flat=True
            )
            if email
        }
        for email in Notification.objects.filter(dedupe_key__startswith=holding_prefix).values_list(
            "to", flat=True
        ):
            access_line = (
                " Your access has been restored, unless it ended or expired meanwhile."
                if email.lower() in suspended_emails
                else " The access it suspended has been restored, unless it ended or expired meanwhile."
            )
            notification_enqueue(
                to=email,
                subject=f"Emergency procedures lifted: {emergency.title}",
                body=(
                    f"The emergency procedures for “{emergency.title}” are no longer in force "
                    "and social media "
                    f"use can return to normal (003 D9.3).{access_line}\n\n{all_clear_message}\n"
                ),
                dedupe_key=f"emergency:{emergency.pk}:all-clear:{email}"[:200],
                now=now,
            )
        _clear_banner_cache()
    return LiftReport(restored=restored, not_restored=total - restored)


# --- Purdah and the checker's lists (003 D10) --------------------------------------------------
def purdah_create(
    *, by, name: str, elections: str, starts_on: date, ends_on: date, instructions: str, now: datetime
) -> PurdahPeriod:
    """Record an election period with its purdah instructions (003 D10).

    Refused: a period that ends before it starts, one that has already ended, and one sharing a
    day with another period (one period, one set of instructions, one banner). A period that has
    started is announced at once; a later one by ``purdah_announce_started`` when it starts.
    """
    _require_communications(by)
    if ends_on < starts_on:
        raise OperationRefused("The end date must be the same as or after the start date.")
    today = timezone.localdate(now)
    if ends_on < today:
        raise OperationRefused("That period has already ended. Enter a period that ends today or later.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two people adding periods at once must not both pass the overlap check.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PURDAH_LOCK])
        clash = PurdahPeriod.objects.overlapping(starts_on, ends_on).order_by("starts_on").first()
        if clash is not None:
            raise OperationRefused(
                f"That period overlaps {clash.name} "
                f"({clash.starts_on:%-d %B %Y} to {clash.ends_on:%-d %B %Y}). "
                "Change the dates, or change that period instead."
            )
        period = PurdahPeriod.objects.create(
            name=name,
            elections=elections,
            starts_on=starts_on,
            ends_on=ends_on,
            instructions=instructions,
            created_by=by,
        )
        if starts_on <= today:
            _purdah_announce(period, now=now)
        _clear_banner_cache()
    return period


# Any fixed number: the advisory lock that serialises adding purdah periods.
PURDAH_LOCK = 3010


def purdah_announce_started(*, now: datetime) -> int:
    """Email the instructions of each period that has started and not been announced (003 D10).

    The periodic job. Each period is claimed with a conditional UPDATE, so a second run, or a
    second worker, announces nothing twice. Returns how many emails were written.
    """
    written = 0
    for period in PurdahPeriod.objects.started_unannounced(timezone.localdate(now)):
        with transaction.atomic():
            written += _purdah_announce(period, now=now)
    return written


def _purdah_announce(period: PurdahPeriod, *, now: datetime) -> int:
    """Claim the period's announcement and email every person with access in force (in the caller's
    transaction). Nothing if someone else claimed it first."""
    claimed = PurdahPeriod.objects.filter(pk=period.pk, announced_at__isnull=True).update(announced_at=now)
    if claimed != 1:
        return 0
    User = get_user_model()
    people = (
        User.objects.filter(
            pk__in=AuthorisedUser.objects.current(today=timezone.localdate(now)).values("person"),
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    instructions = period.instructions or (
        "Avoid anything party political and do not promote individual councillors."
    )
    body = (
        f"Purdah for {period.elections} runs from {period.starts_on:%-d %B %Y} "
        f"to {period.ends_on:%-d %B %Y}.\n\n"
        "Until it ends, everything posted on the council's accounts must follow these purdah "
        f"instructions (003 D10):\n\n{instructions}\n\n"
        f"Check a post before you publish it: {settings.SITE_URL}/check-a-post/\n"
    )
    written = 0
    for email in people:
        notification_enqueue(
            to=email,
            subject=f"Purdah starts: {period.name}",
            body=body,
            dedupe_key=f"purdah:{period.pk}:instructions:{email.lower()}"[:200],
            now=now,
        )
        written += 1
    return written


def purdah_delete(*, by, period: PurdahPeriod) -> None:
    _require_communications(by)
    with transaction.atomic():
        period.delete()
        _clear_banner_cache()


def word_list_replace(*, by, kind: str, lines: list[str]) -> int:
    """Replace one of Communications' lists (councillors, jargon, political terms) with ``lines``.

    A jargon line may give a plain alternative after an equals sign: ``going forward = from now on``.
    """
    _require_communications(by)
    entries = {}
    for line in lines:
        text, _, suggestion = line.partition("=")
        text = " ".join(text.split())
        if text:
            entries[text.lower()] = WordListEntry(
                kind=kind, text=text[:200], suggestion=suggestion.strip()[:200]
            )
    with transaction.atomic():
        WordListEntry.objects.filter(kind=kind).delete()
        WordListEntry.objects.bulk_create(entries.values())
    return len(entries)


def decided_campaign_add(
    *, by, name: str, decided_by: str, decided_on: date, minute_reference: str = ""
) -> DecidedCampaign:
    """Add a campaign or petition cabinet or council has decided to support (004 Don't 2). Comms only."""
    _require_communications(by)
    name = " ".join(name.split())
    if DecidedCampaign.objects.filter(name__iexact=name).exists():
        raise OperationRefused(f"{name} is already on the list.")
    try:
        with transaction.atomic():
            return DecidedCampaign.objects.create(
                name=name,
                decided_by=decided_by,
                decided_on=decided_on,
                minute_reference=minute_reference.strip(),
                added_by=by,
            )
    except IntegrityError as exc:
        raise OperationRefused(f"{name} is already on the list.") from exc


def decided_campaign_remove(*, by, campaign: DecidedCampaign) -> None:
    _require_communications(by)
    campaign.delete()


def content_check_rules() -> Rules:
    """The lists Communications keeps for the checker, read in two queries."""
    lists: dict[str, list] = defaultdict(list)
    for kind, text, suggestion in WordListEntry.objects.values_list("kind", "text", "suggestion"):
        lists[kind].append((text, suggestion))
    return Rules(
        councillors=tuple(text for text, _ in lists[WordListKind.COUNCILLOR]),
        political_terms=tuple(text for text, _ in lists[WordListKind.POLITICAL]),
        jargon=tuple(lists[WordListKind.JARGON]),
        council_phone_numbers=tuple(settings.COUNCIL_PHONE_NUMBERS),
        council_email_domains=tuple(settings.COUNCIL_EMAIL_DOMAINS),
        decided_campaigns=tuple(DecidedCampaign.objects.values_list("name", flat=True)),
    )


def account_posts_today(account: SocialMediaAccount, *, now: datetime) -> int:
    """The account's original posts so far today, local time (004 Part C; ``post_account_time_idx``)."""
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return Post.objects.filter(
        account=account, kind=PostKind.ORIGINAL, posted_at__gte=start_of_day, posted_at__lte=now
    ).count()


def posting_guideline(platform: str) -> tuple[int, int] | None:
    """The platform's posting guideline as (posts, per days), the one the governance check uses (003 D5.2)."""
    return settings.MONITORING_POSTING_GUIDELINES.get(platform)


def content_check_context(*, user, account: SocialMediaAccount | None, now: datetime) -> Context:
    """What is in force and who is writing: purdah (003 D10), an emergency and whether ``user`` is one of
    its named Communications officers (003 D9.1), the account's posts today and its guideline."""
    emergency = emergency_in_force()
    return Context(
        purdah=PurdahPeriod.objects.active_on(timezone.localdate(now)).exists(),
        emergency=emergency is not None,
        named_officer=emergency is not None and emergency.named_officers.filter(pk=user.pk).exists(),
        posts_today=None if account is None else account_posts_today(account, now=now),
        posting_guideline=None if account is None else posting_guideline(account.platform),
        platform_name="" if account is None else account.get_platform_display(),
    )


@dataclass(frozen=True)
class ContentCheck:
    """The checker's answer: its findings, and the chosen account's posts today (004 Part C)."""

    findings: list[Finding]
    context: Context


def check_draft(
    *,
    user,
    text: str,
    platform: str = "",
    account: SocialMediaAccount | None = None,
    announcement_for_x: bool = False,
    shows_children: bool = False,
    consent_reference: str = "",
    has_image: bool = False,
    alt_text: str = "",
    has_video: bool = False,
    has_captions: bool = False,
    now: datetime,
) -> ContentCheck:
    """Advice on a draft before posting (003 D4.1): never posts anything.

    A consent reference counts only if it is the account's service's (or, with no account, one of
    the person's own services'): see ``photo_consent_find``.
    """
    today = timezone.localdate(now)
    if account is not None:
        platform = account.platform
    consent_valid = None
    consent_reference = consent_reference.strip()
    if consent_reference:
        consent = photo_consent_find(
            reference=consent_reference, user=user, service=account.service if account else None
        )
        consent_valid = consent is not None and consent.is_valid_on(today)
    draft = Draft(
        text=text,
        platform=platform,
        announcement_for_x=announcement_for_x,
        shows_children=shows_children,
        consent_reference=consent_reference,
        consent_valid=consent_valid,
        has_image=has_image,
        alt_text=alt_text,
        has_video=has_video,
        has_captions=has_captions,
    )
    context = content_check_context(user=user, account=account, now=now)
    return ContentCheck(findings=check_post(draft, content_check_rules(), context), context=context)


def may_check_content(user) -> bool:
    return is_communications(user) or is_service_officer(user)


# --- Photo consent (004 Don't 9) --------------------------------------------------------------
def photo_consent_record(
    *, by, reference: str, covers: str, service: Service, signed_on: date, expires_on: date | None
) -> PhotoConsent:
    if not (is_communications(by) or Service.objects.for_member(by).filter(pk=service.pk).exists()):
        raise PermissionDenied
    if expires_on is not None and expires_on < signed_on:
        raise OperationRefused("The expiry date must be after the date the form was signed.")
    try:
        with transaction.atomic():
            return PhotoConsent.objects.create(
                reference=reference.strip(),
                covers=covers,
                service=service,
                signed_on=signed_on,
                expires_on=expires_on,
                recorded_by=by,
            )
    except IntegrityError as exc:  # only ever the same service's form: references are per service
        raise OperationRefused(
            f"{service} has already recorded a consent form with the reference {reference}."
        ) from exc


def photo_consent_find(*, reference: str, user, service: Service | None = None) -> PhotoConsent | None:
    """The consent form with ``reference`` that may be used here, or None (004 Don't 9).

    With a ``service`` (the account the post or incident is on), only that service's forms count;
    without one, only the person's own services' (every service's for Communications). Another
    service's form is treated exactly as one that does not exist, so nobody learns which
    references other services hold.
    """
    reference = reference.strip()
    if not reference:
        return None
    consents = PhotoConsent.objects.with_reference(reference)
    if service is not None:
        consents = consents.filter(service=service)
    elif not is_communications(user):
        consents = consents.filter(service__in=Service.objects.for_member(user).values("pk"))
    return consents.select_related("service").first()


def photo_consents_visible_to(user) -> QuerySet[PhotoConsent]:
    qs = PhotoConsent.objects.select_related("service")
    if is_communications(user):
        return qs
    return qs.filter(service__in=Service.objects.visible_to(user).values("pk"))


# --- Incidents (003 Section B; 000 §22; 004 Do 3) ----------------------------------------------
@dataclass(frozen=True)
class Step:
    key: str
    label: str
    policy: str = ""


CHECKLISTS: dict[str, tuple[Step, ...]] = {
    IncidentKind.POST_IN_ERROR: (
        Step("keep_record", "Keep a copy (a screenshot) of what was posted", "003 Section B"),
        Step("remove_post", "Delete or correct the post", "003 Section B"),
        Step("apologise", "If people saw it, post a correction or a sincere apology", "003 D3.3"),
        Step("tell_comms", "Tell Communications what happened", "003 Section B"),
    ),
    IncidentKind.COMPROMISED: (
        Step("change_password", "Change the password now", "004 Do 3"),
        Step("check_mfa_recovery", "Check multi-factor authentication and the recovery details", "004 Do 3"),
        Step("review_access", "Review who has access to the account", "003 D2.3"),
        Step(
            "warn_followers",
            "Warn followers if anything was posted or sent in the council's name",
            "003 Section B",
        ),
        Step("tell_comms", "Tell Communications", "004 Do 1"),
    ),
    IncidentKind.ABUSE: (
        Step(
            "keep_evidence", "Keep screenshots of the abuse or threats, with dates and times", "003 Section B"
        ),
        Step("do_not_engage", "Do not reply to abusive or aggressive messages", "004 Don't 5–6"),
        Step(
            "report_to_platform", "Report the messages to the platform and block if needed", "003 Section B"
        ),
        Step("police", "If anyone is threatened, report it to the police", "003 Section B"),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
    IncidentKind.MEDIA: (
        Step("refer_to_comms", "Refer the journalist to Communications; do not comment yourself", "000 §22"),
        Step("agree_response", "Agree any response with Communications", "000 §22"),
        Step("brief_director", "Brief the service's Director", "000 §22"),
    ),
    IncidentKind.POLICY_BREACH: (
        Step("remove_content", "Remove the content that breaks the policy", "003 Section B"),
        Step("tell_manager", "Tell the person's line manager", "003 Section B"),
        Step("review_access", "Review who has access to the account", "003 D2.3"),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
    IncidentKind.SAFEGUARDING: (
        Step("tell_safeguarding_lead", "Tell the council's designated safeguarding officer today", "001 §16"),
        Step("keep_evidence", "Keep a record of what was seen, without sharing it further", "001 §16"),
        Step("no_contact", "Do not contact the person concerned yourself", "001 §16"),
        Step(
            "check_photo_consent",
            "If pictures of children are involved, check the signed consent form",
            "004 Don't 9",
        ),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
}


def checklist_for(kind: str) -> tuple[Step, ...]:
    return CHECKLISTS[kind]


def incidents_visible_to(user) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("account", "account__service", "reported_by")
    if is_communications(user):
        return qs
    return qs.filter(account__service__in=Service.objects.visible_to(user).values("pk"))


def get_incident_for_user(user, pk: int, *, write: bool = False) -> Incident:
    """The one access check for incidents: Communications, the account's service, its Director."""
    incident = incidents_visible_to(user).filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident")
    if write and not (
        is_communications(user)
        or Service.objects.for_member(user).filter(pk=incident.account.service_id).exists()
    ):
        raise Http404("No such incident")
    return incident


def incident_report(
    *,
    by,
    kind: str,
    severity: str,
    account: SocialMediaAccount,
    what_happened: str,
    photo_consent: PhotoConsent | None = None,
    now: datetime,
) -> Incident:
    """Record an incident; Communications is told at once, and the Director too if it is high severity."""
    if not SocialMediaAccount.objects.visible_to(by).filter(pk=account.pk).exists():
        raise PermissionDenied
    if photo_consent is not None and photo_consent.service_id != account.service_id:
        raise OperationRefused(
            f"There is no consent form with the reference {photo_consent.reference} for {account.service}."
        )
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            severity=severity,
            account=account,
            what_happened=what_happened,
            photo_consent=photo_consent,
            reported_by=by,
            reported_at=now,
        )
        link = f"{settings.SITE_URL}/operations/incidents/{incident.pk}/"
        subject = (
            f"{incident.get_severity_display()} severity incident on {account}: {incident.get_kind_display()}"
        )
        body = (
            f"{by.get_full_name() or by.get_username()} reported an incident on {account} "
            f"({account.service}).\n\nWhat happened:\n{what_happened}\n\nThe checklist and actions: {link}\n"
        )
        notification_enqueue(
            to=communications_email(),
            subject=subject,
            body=body,
            dedupe_key=f"incident:{incident.pk}:comms",
            now=now,
        )
        if severity == Severity.HIGH:
            director_email = account.service.directorate.approval_email
            if director_email:
                notification_enqueue(
                    to=director_email,
                    subject=subject,
                    body=body,
                    dedupe_key=f"incident:{incident.pk}:director",
                    now=now,
                )
    return incident


def incident_step_done(
    *,
    incident: Incident,
    step: str,
    by,
    note: str = "",
    now: datetime,
    password_changed_on: date | None = None,
    mfa_enabled: bool | None = None,
    recovery_contact: str = "",
) -> IncidentAction:
    """Tick a checklist step. For a compromised account, the register is updated as well (004 Do 3)."""
    keys = {s.key for s in checklist_for(incident.kind)}
    if step not in keys:
        raise OperationRefused("That step is not on this incident's checklist.")
    if incident.status != "open":
        raise OperationRefused("This incident is closed.")
    with transaction.atomic():
        account = SocialMediaAccount.objects.select_for_update().get(pk=incident.account_id)
        try:
            with transaction.atomic():
                action = IncidentAction.objects.create(
                    incident=incident, step=step, done_by=by, done_at=now, note=note[:500]
                )
        except IntegrityError as exc:
            raise OperationRefused("That step has already been done.") from exc
        if incident.kind == IncidentKind.COMPROMISED and step == "change_password":
            account_services.account_record_password_change(
                account=account, on=password_changed_on or timezone.localdate(now), incident=incident
            )
            # The new date may clear "password not changed": resolve it now, not at the next run.
            account_flags_reconcile_on_commit(account.pk, now=now)
        if incident.kind == IncidentKind.COMPROMISED and step == "check_mfa_recovery":
            if mfa_enabled is None or not recovery_contact.strip():
                raise OperationRefused(
                    "Say whether multi-factor authentication is on and who holds recovery."
                )
            try:
                account_services.account_record_security_check(
                    account=account,
                    mfa_enabled=mfa_enabled,
                    recovery_contact=recovery_contact.strip(),
                    incident=incident,
                )
            except ValidationError as exc:  # a password typed as the recovery contact (004 Do 3)
                raise OperationRefused(" ".join(exc.messages)) from exc
    return action


def incident_close(*, incident: Incident, by, outcome: str, now: datetime) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if not has_transition_perm(incident.close, by):
            if incident.status != "open":
                raise OperationRefused("This incident is already closed.")
            raise PermissionDenied
        incident.close(by=by, description=outcome[:200])
        incident.closed_at = now
        incident.outcome = outcome
        incident.save()
    return incident


# --- Monitoring terms (003 D11) ---------------------------------------------------------------
def monitoring_terms_visible_to(user) -> QuerySet[MonitoringTerm]:
    qs = MonitoringTerm.objects.select_related("service", "requested_by")
    if is_communications(user):
        return qs
    return qs.filter(service__in=Service.objects.for_member(user).values("pk"))


def monitoring_term_request(*, by, service: Service, term: str, reason: str, now: datetime) -> MonitoringTerm:
    """A service asks Communications to monitor a term (003 D11.2)."""
    if not (is_communications(by) or Service.objects.for_member(by).filter(pk=service.pk).exists()):
        raise PermissionDenied
    term = " ".join(term.split())
    if MonitoringTerm.objects.filter(term__iexact=term, status=MonitoringTermStatus.APPROVED).exists():
        raise OperationRefused(f"“{term}” is already monitored.")
    with transaction.atomic():
        requested = MonitoringTerm.objects.create(
            term=term, reason=reason, service=service, requested_by=by, requested_at=now
        )
        notification_enqueue(
            to=communications_email(),
            subject=f"Monitoring term requested: {term}",
            body=f"{service} asks for “{term}” to be monitored.\n\nWhy: {reason}\n\n"
            f"Decide: {settings.SITE_URL}/operations/monitoring-terms/",
            dedupe_key=f"monitoring-term:{requested.pk}:requested",
            now=now,
        )
    return requested


def monitoring_term_decide(
    *, term: MonitoringTerm, by, approve: bool, comment: str, now: datetime
) -> MonitoringTerm:
    """Communications approves or declines a requested term, with a comment (003 D11.2)."""
    with transaction.atomic():
        term = MonitoringTerm.objects.select_for_update().get(pk=term.pk)
        transition_method = term.approve if approve else term.decline
        if not has_transition_perm(transition_method, by):
            if term.status != MonitoringTermStatus.REQUESTED:
                raise OperationRefused("This request has already been decided.")
            raise PermissionDenied
        transition_method(by=by, description=comment[:200])
        term.decided_by = by
        term.decided_at = now
        term.decision_comment = comment
        term.save()
        if term.requested_by.email:
            notification_enqueue(
                to=term.requested_by.email,
                subject=f"Monitoring term {term.get_status_display().lower()}: {term.term}",
                body=f"Communications {term.get_status_display().lower()} your request "
                f"to monitor “{term.term}”."
                f"\n\n{comment}\n",
                dedupe_key=f"monitoring-term:{term.pk}:decided",
                now=now,
            )
    return term


def approved_monitoring_terms() -> QuerySet[MonitoringTerm]:
    return (
        MonitoringTerm.objects.filter(status=MonitoringTermStatus.APPROVED)
        .select_related("service")
        .order_by("term")
    )


# --- Policy versions and sign-off (001 §22–23; 002 §1.6) ---------------------------------------
def policy_publish(
    *, by, version: str, title: str, summary: str, document_reference: str = "", now: datetime
) -> PolicyVersion:
    """Publish a version; its six-monthly review starts now (002 §1.6). Authorised users are told."""
    _require_communications(by)
    try:
        with transaction.atomic():
            published = PolicyVersion.objects.create(
                version=version.strip(),
                title=title,
                summary=summary,
                document_reference=document_reference,
                published_by=by,
                published_at=now,
                next_review_due=add_months(timezone.localdate(now), settings.MONITORING_POLICY_REVIEW_MONTHS),
            )
            # Publishing a version is a review of the policy: the six-monthly check (002 §1.6)
            # counts from here.
            PolicyReview.objects.create(
                reviewed_on=timezone.localdate(now),
                reviewed_by=by,
                notes=f"Version {published.version} published",
            )
            for email in (
                people_yet_to_acknowledge(published).exclude(email="").values_list("email", flat=True)
            ):
                notification_enqueue(
                    to=email,
                    subject=f"Please acknowledge the social media policy, version {published.version}",
                    body=f"{title}\n\n{summary}\n\nAcknowledge it: {settings.SITE_URL}/operations/policy/",
                    dedupe_key=f"policy:{published.pk}:ask:{email}"[:200],
                    now=now,
                )
    except IntegrityError as exc:
        raise OperationRefused(f"Version {version} has already been published.") from exc
    return published


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-published_at", "-pk").first()


def policy_review_due_on() -> date | None:
    """When the policy is next due for review: six months after the latest review (002 §1.6).

    Publishing a version records a review, so this is also six months after the latest version.
    """
    latest = PolicyReview.objects.order_by("-reviewed_on", "-pk").first()
    return latest.next_due_on if latest else None


def policy_acknowledge(*, person, version: PolicyVersion, now: datetime) -> PolicyAcknowledgement:
    """The person has read this version (001 §22–23). Acknowledging twice keeps the first."""
    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(
        version=version, person=person, defaults={"acknowledged_at": now}
    )
    return acknowledgement


def people_yet_to_acknowledge(version: PolicyVersion | None = None) -> QuerySet:
    """The authorised users (access not ended or expired) who have not acknowledged ``version``."""
    version = version or current_policy_version()
    User = get_user_model()
    if version is None:
        return User.objects.none()
    return (
        # Authorised users: access not ended or expired. Suspension (an emergency) does not count.
        User.objects.filter(
            pk__in=AuthorisedUser.objects.not_ended()
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
            .values("person")
        )
        .exclude(pk__in=PolicyAcknowledgement.objects.filter(version=version).values("person"))
        .order_by("last_name", "first_name", "username")
    )


# --- Training records (002 §5.1; 001 §26) -----------------------------------------------------
TRAINING_COLUMNS = ("person", "module", "completed_at", "expires_at")
TRAINING_IMPORT_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class TrainingRow:
    line: int
    person_text: str
    module: str
    completed_text: str
    expires_text: str
    person_id: int | None = None
    person_name: str = ""
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    def as_session(self) -> dict:
        """The cells as read, kept until the confirmation, which checks them again."""
        return {
            "line": self.line,
            "person": self.person_text,
            "module": self.module,
            "completed_at": self.completed_text,
            "expires_at": self.expires_text,
        }


@dataclass
class TrainingImportResult:
    imported: int
    already_recorded: int


def _parse_when(text: str) -> datetime | None:
    """A completion or expiry time as the e-learning system writes it; a bare date means midday."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - UK time, made aware below
        except ValueError:
            continue
        if fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            parsed = datetime.combine(parsed.date(), time(12))
        return timezone.make_aware(parsed)
    raise ValueError(text)


def _training_when(text: str, example: str, errors: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        when = _parse_when(text)
    except ValueError:
        errors.append(f"“{text}” is not a date, like {example}")
        return None
    if not date_in_range(when.date()):
        errors.append(f"“{text}” must be {date_range_words()}")
        return None
    return when


FUTURE_COMPLETION = "The completion date cannot be in the future: record a course once it is completed"


def _completed_in_future(completed_at: datetime | None) -> bool:
    """A training record is of a course already completed (002 §5.1): one rule, by hand and by import."""
    return completed_at is not None and timezone.localdate(completed_at) > timezone.localdate()


def _training_rows_check(rows: list[TrainingRow]) -> list[TrainingRow]:
    """Every check a row must pass to be written; the preview and the confirmation both run it."""
    module_max = TrainingRecord._meta.get_field("module").max_length
    User = get_user_model()
    wanted = {row.person_text.lower() for row in rows}
    people = {}
    for user in User.objects.filter(Q(username__in=list(wanted)) | Q(email__in=list(wanted))):
        people[user.username.lower()] = user
        if user.email:
            people[user.email.lower()] = user
    for row in rows:
        row.errors = []
        person = people.get(row.person_text.lower())
        if not row.person_text:
            row.errors.append("Enter the person's username or work email address")
        elif person is None:
            row.errors.append(f"There is no one with the username or email “{row.person_text}”")
        else:
            row.person_id, row.person_name = person.pk, person.get_full_name() or person.username
        if not row.module:
            row.errors.append("Enter the module name")
        elif len(row.module) > module_max:
            row.errors.append(f"The module name must be {module_max} characters or fewer")
        row.completed_at = _training_when(row.completed_text, "2026-03-14 or 14/03/2026", row.errors)
        if not row.completed_text:
            row.errors.append("Enter the date the module was completed")
        elif _completed_in_future(row.completed_at):
            row.errors.append(FUTURE_COMPLETION)
        row.expires_at = _training_when(row.expires_text, "2027-03-14 or 14/03/2027", row.errors)
        if row.completed_at and row.expires_at and row.expires_at <= row.completed_at:
            row.errors.append("The expiry date must be after the completion date")
    return rows


def training_import_preview(raw: bytes, name: str = "export.csv") -> list[TrainingRow]:
    """Read an e-learning export (CSV or XLSX: person, module, completed_at, expires_at), row by row.

    The person is a username or a work email address. Nothing is written: each row carries its errors.
    """
    try:
        numbered = spreadsheets_read.read_table(
            name, raw, max_bytes=TRAINING_IMPORT_MAX_BYTES, max_rows=settings.TRAINING_IMPORT_MAX_ROWS
        )
    except spreadsheets_read.SpreadsheetError as exc:
        raise OperationRefused(f"{exc}.") from exc
    (_, header_row), body = numbered[0], numbered[1:]
    headers = [h.strip().lower() for h in header_row]
    missing = [column for column in TRAINING_COLUMNS[:3] if column not in headers]
    if missing:
        raise OperationRefused(
            "The file must have the columns person, module, completed_at (and optionally expires_at)."
        )
    if not body:
        raise OperationRefused("The file has no rows.")
    rows = []
    for number, cells in body:
        record = dict(zip(headers, cells, strict=False))
        rows.append(
            TrainingRow(
                line=number,
                person_text=record.get("person", ""),
                module=record.get("module", ""),
                completed_text=record.get("completed_at", ""),
                expires_text=record.get("expires_at", ""),
            )
        )
    return _training_rows_check(rows)


def training_import_confirm(*, by, rows: list[dict]) -> TrainingImportResult:
    """Write the previewed rows, all or nothing, after the same checks as the preview (002 §5.1).

    A completion already recorded, or repeated in the file, is counted and skipped; the count
    imported is the count written.
    """
    _require_communications(by)
    checked = _training_rows_check(
        [
            TrainingRow(
                line=row.get("line", 0),
                person_text=row.get("person", ""),
                module=row.get("module", ""),
                completed_text=row.get("completed_at", ""),
                expires_text=row.get("expires_at", ""),
            )
            for row in rows
        ]
    )
    problems = [f"line {row.line}: {row.errors[0]}" for row in checked if row.errors]
    if problems:
        raise OperationRefused(
            "Nothing has been imported: the rows no longer pass the checks ("
            + "; ".join(problems[:5])
            + "). Correct the file and upload it again."
        )
    with transaction.atomic():
        existing = set(
            TrainingRecord.objects.filter(person_id__in={row.person_id for row in checked}).values_list(
                "person_id", "module", "completed_at"
            )
        )
        new = {}
        for row in checked:
            key = (row.person_id, row.module, row.completed_at)
            if key not in existing and key not in new:
                new[key] = TrainingRecord(
                    person_id=row.person_id,
                    module=row.module,
                    completed_at=row.completed_at,
                    expires_at=row.expires_at,
                    source=TrainingRecord.Source.IMPORTED,
                    recorded_by=by,
                )
        try:
            with transaction.atomic():
                TrainingRecord.objects.bulk_create(new.values())
        except IntegrityError as exc:
            raise OperationRefused(
                "Nothing has been imported: someone recorded some of these completions at the same "
                "moment. Upload the file again."
            ) from exc
    return TrainingImportResult(imported=len(new), already_recorded=len(checked) - len(new))


def training_record_add(
    *, by, person, module: str, completed_at: datetime, expires_at: datetime | None
) -> TrainingRecord:
    """Communications records a course someone completed (002 §5.1)."""
    _require_communications(by)
    if _completed_in_future(completed_at):
        raise OperationRefused(FUTURE_COMPLETION)
    if expires_at is not None and expires_at <= completed_at:
        raise OperationRefused("The expiry date must be after the completion date.")
    try:
        with transaction.atomic():
            return TrainingRecord.objects.create(
                person=person,
                module=module,
                completed_at=completed_at,
                expires_at=expires_at,
                source=TrainingRecord.Source.MANUAL,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise OperationRefused("That completion is already recorded.") from exc


def may_view_operations(user) -> bool:
    return is_communications(user) or is_corporate_director(user) or is_service_officer(user)
