"""Two sessions decide the same case at once, on PostgreSQL with two connections: one wins."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the row lock a little longer, so the second session really waits on the first."""
    locked = services._locked

    def slowly(case_pk):
        case = locked(case_pk)
        time.sleep(0.3)
        return case

    monkeypatch.setattr(services, "_locked", slowly)


def decide_at_once(posts):
    """Run each (client, path, data) POST in its own thread and connection, all released together."""
    barrier = threading.Barrier(len(posts))
    results: list = [None] * len(posts)

    def run(index, client, path, data):
        try:
            barrier.wait()
            results[index] = client.post(path, data, follow=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_sessions_deciding_at_once_make_exactly_one_transition(make_case, director, slow_lock):
    case = make_case("awaiting_director")
    first, second = Client(), Client()
    first.force_login(director)
    second.force_login(director)
    base = f"/business-cases/{case.pk}/do/"
    responses = decide_at_once(
        [
            (first, f"{base}approve/", {"expected_status": "awaiting_director", "comment": ""}),
            (
                second,
                f"{base}return_for_changes/",
                {"expected_status": "awaiting_director", "comment": "Costs?"},
            ),
        ]
    )

    assert [r.status_code for r in responses] == [200, 200]  # no error page for either
    pages = [r.content.decode() for r in responses]
    assert sum("This case has already been decided" in page for page in pages) == 1
    assert sum("Done: the case is now" in page for page in pages) == 1
    final = BusinessCase.objects.get(pk=case.pk).status
    assert final in {"awaiting_comms", "changes_requested"}
    assert StateLog.objects.for_(case).count() == 1  # no phantom log entry from the loser


def test_two_link_decisions_at_once_make_exactly_one_transition(make_case, officer, slow_lock):
    from django.utils import timezone

    case = make_case("advised")
    services.business_case_send_to_director(case=case, by=officer, now=timezone.now())
    link = case.director_links.get()
    path = services.director_link_url(link).split("://", 1)[1].split("/", 1)[1]
    responses = decide_at_once(
        [
            (Client(), f"/{path}", {"decision": "approve", "comment": ""}),
            (Client(), f"/{path}", {"decision": "reject", "comment": "No."}),
        ]
    )

    pages = [r.content.decode() for r in responses]
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert sum("Decision recorded" in page for page in pages) == 1
    assert sum("This case has already been decided" in page for page in pages) == 1
    assert StateLog.objects.for_(case).exclude(transition="send_to_director").count() == 1
