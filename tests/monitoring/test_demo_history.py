"""seed_demo's year of history (issue 13 item 7): twelve months of enquiries and posts, some late,
flags raised and cleared, and a dashboard that draws the year."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.urls import reverse

from accounts_register.models import SocialMediaAccount
from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring.demo_history import PREFIX
from monitoring.models import Enquiry, Post, Response, ResponseKind

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 11, 20, 11, 0, tzinfo=UTC)


@pytest.fixture
def seeded(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    cache.clear()
    # seed_demo's responses reconcile their flags when its transaction commits, as in ``make run``.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def months_of(queryset, field: str) -> set:
    return {
        m.astimezone(LONDON).strftime("%Y-%m")
        for m in queryset.annotate(m=TruncMonth(field, tzinfo=LONDON)).values_list("m", flat=True).distinct()
    }


def test_seed_demo_makes_twelve_months_of_enquiries_and_posts(seeded):
    history = Enquiry.objects.filter(platform_id__startswith=PREFIX)

    assert len(months_of(history, "received_at")) == 12
    assert len(months_of(Post.objects.filter(platform_id__startswith=PREFIX), "posted_at")) == 12
    assert history.count() > 500
    # Some answered late, some with a holding reply first, some needing no response.
    assert history.filter(met_deadline=False).count() > 10
    assert history.filter(met_deadline=True).count() > history.filter(met_deadline=False).count() * 4
    assert Response.objects.filter(enquiry__in=history, kind=ResponseKind.HOLDING).exists()
    assert history.exclude(no_response_reason="").exists()
    assert Response.objects.filter(enquiry__in=history, kind=ResponseKind.FULL).exclude(text="").exists()
    # Every active account posted, with text, a link and who published it.
    assert set(Post.objects.values_list("account", flat=True)) == set(
        SocialMediaAccount.objects.values_list("pk", flat=True)
    )
    assert not Post.objects.filter(platform_id__startswith=PREFIX, text="").exists()
    assert not Post.objects.filter(platform_id__startswith=PREFIX, published_by="").exists()


def test_seasonal_peaks_winter_and_march_busier_than_spring(seeded):
    corporate = Enquiry.objects.filter(
        platform_id__startswith=PREFIX, account__handle="CannockChaseDC", account__platform="x"
    )

    def in_month(year: int, month: int) -> int:
        return corporate.filter(received_at__year=year, received_at__month=month).count()

    assert in_month(2025, 3) > in_month(2025, 5)  # council tax bills
    assert in_month(2025, 1) > in_month(2025, 5)  # bins and gritting


def test_the_late_ones_were_flagged_while_they_waited_and_cleared_when_answered(seeded):
    flags = GovernanceFlag.objects.filter(kind=FlagKind.OVERDUE_ENQUIRY, resolved_at__isnull=False)
    late = Enquiry.objects.filter(platform_id__startswith=PREFIX, met_deadline=False)

    assert flags.count() >= late.count() > 0
    flag = flags.order_by("raised_at").first()
    enquiry = Enquiry.objects.get(pk=flag.subject_id)
    assert enquiry.response_due_at < flag.raised_at < flag.resolved_at == enquiry.first_response_at


def test_a_second_run_adds_nothing(seeded):
    counts = (Enquiry.objects.count(), Post.objects.count(), Response.objects.count())

    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=StringIO())

    assert (Enquiry.objects.count(), Post.objects.count(), Response.objects.count()) == counts


def test_the_dashboard_draws_the_seeded_year(seeded, client):
    client.force_login(get_user_model().objects.get(username="comms"))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("dashboard"))

    chart = response.context["response_chart"]
    assert len(chart.months) == 12
    council = chart.series[0]
    assert council.name == "The whole council"
    assert all(value is not None for value in council.values)
    assert len(response.context["posting_charts"]["charts"]) == 4
    for posting in response.context["posting_charts"]["charts"]:
        assert sum(value is not None for value in posting.series[0].values) == 12
    page = response.content.decode()
    assert page.count('class="app-line-chart__series"') == 1 + 3 + 4  # council, 3 directorates, 4 accounts
