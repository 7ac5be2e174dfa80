"""Time the connectors' sync at council scale (issue 14 item 8).

250 Facebook Pages, each connected, synced by the real schedule's service (``connections_sync_due``)
through the real ``FacebookConnector`` over real HTTP on the loopback: the bench starts a recorded
Graph API server of its own (a separate process, so it does not share the sync's interpreter) that
serves every Page's ``published_posts``, each post's ``comments`` and the ``conversations`` inbox in
the shapes of ``tests/fixtures/facebook``, with ``paging.next`` links. The connector's requests go to
``https://graph.facebook.com/v21.0/…`` as in production; the only change is the session sending them
to the local server instead (``LoopbackSession``).

Each Page starts with ``--posts`` posts; each post has two comments by residents and the Page's own
reply to the first (four items a post: a post, two enquiries, one response that stops a clock).

Cycles, each one ``connections_sync_due`` over every account:

  (a) first cycle: every account's items arrive;
  (b) nothing new on any Page;
  (c) one new post a Page (four new items);

then ``--history`` rows of history (half enquiries, half posts, the year before, spread over the
same accounts) are loaded with ``INSERT … SELECT FROM generate_series``, and (b) and (c) are run again.
If a cycle's cost follows the new items and not the history, (b) and (c) take the same time either
side of the load.

Run:  .venv/bin/python bench/connectors.py                    (250 accounts, 1,000,000 rows of history)
      .venv/bin/python bench/connectors.py --accounts 25 --history 100000   (a quick try)
The database is ``cs_bench_connectors`` (dropped and made again each run) unless BENCH_DATABASE_URL
says otherwise. A cycle may start new accounts for ``CONNECTION_SYNC_CYCLE_SECONDS`` (200 s by
default); the bench raises it so that one cycle covers every account, and says if it did not.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, ensure_database, setup_django  # noqa: E402

DATABASE_URL = configure("cs_bench_connectors")

GRAPH_HOST = "https://graph.facebook.com"
FIRST_PAGE_ID = 900_000_000_000
COUNCIL = "Bench Borough Council"


# --- The recorded Graph API server -----------------------------------------------------------------
def graph_time(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class Feed:
    """Every Page's posts and comments at a given round: round 0 holds ``posts`` posts a Page, each
    round after it one more (``new_rounds`` says which rounds brought one). Times are real times in
    the hour before the server started, so the connector's own "last 28 days" window takes them."""

    def __init__(self, *, posts: int, started: float):
        self.posts = posts
        self.origin = started - 3600

    def post_count(self, round_: int, new_posts: int) -> int:
        return self.posts + new_posts

    def post_time(self, index: int) -> float:
        return self.origin + index * 60

    def post(self, page_id: str, index: int, full: bool) -> dict:
        created = self.post_time(index)
        raw = {"id": f"{page_id}_{index}", "updated_time": graph_time(created + 30)}
        if full:
            raw |= {
                "message": f"Bin collections on round {index}: what changes this week.",
                "created_time": graph_time(created),
                "permalink_url": f"https://www.facebook.com/{page_id}/posts/{index}",
                "status_type": "mobile_status_update",
                "admin_creator": {"name": "Priya Shah", "id": "1000000000000077"},
            }
        return raw

    def comments(self, page_id: str, index: int) -> list[dict]:
        created = self.post_time(index)
        post_id = f"{page_id}_{index}"
        link = f"https://www.facebook.com/{page_id}/posts/{index}?comment_id="
        return [
            {
                "id": f"{post_id}_c1",
                "message": "Is the garden waste collection moving too?",
                "created_time": graph_time(created + 10),
                "from": {"id": "5550001", "name": "Jo Bloggs"},
                "permalink_url": link + "c1",
            },
            {
                "id": f"{post_id}_c2",
                "message": "Yes, garden waste moves to Saturday as well.",
                "created_time": graph_time(created + 20),
                "from": {"id": page_id, "name": COUNCIL},
                "permalink_url": link + "c2",
                "parent": {"id": f"{post_id}_c1"},
            },
            {
                "id": f"{post_id}_c3",
                "message": "What about the villages?",
                "created_time": graph_time(created + 30),
                "from": {"id": "5550002", "name": "Sam Patel"},
                "permalink_url": link + "c3",
            },
        ]


def paged(url: str, query: dict, rows: list[dict]) -> dict:
    """One page of ``rows`` after ``query['after']`` (an offset), with ``paging.next`` as the Graph
    API writes it (carrying the token, which the connector strips)."""
    limit = int(query.get("limit") or 25)
    offset = int(query.get("after") or 0)
    body: dict = {"data": rows[offset : offset + limit], "paging": {"cursors": {"before": str(offset)}}}
    if offset + limit < len(rows):
        following = {k: v for k, v in query.items() if k != "after"} | {
            "after": str(offset + limit),
            "access_token": "EAAB-page-token-in-the-next-link",
        }
        body["paging"]["next"] = f"{GRAPH_HOST}{url}?{urlencode(following)}"
        body["paging"]["cursors"]["after"] = str(offset + limit)
    return body


def serve(port_out, new_posts, posts: int, started: float) -> None:
    """The server process: answers until killed. ``new_posts`` is the number of posts every Page has
    gained since round 0 (the bench moves it between cycles)."""
    feed = Feed(posts=posts, started=started)

    class Graph(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as graph.facebook.com
        # Headers and body go in separate writes: without this, Nagle's algorithm and the client's
        # delayed ACK hold every answer back some 40 ms (an artefact of http.server, not of the sync).
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            segments = parts.path.strip("/").split("/")  # v21.0, node, edge
            body, status = self.answer(parts.path, segments, query)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def answer(self, path: str, segments: list[str], query: dict) -> tuple[dict, int]:
            if len(segments) != 3 or not self.headers.get("Authorization", "").startswith("Bearer "):
                return {"error": {"code": 100, "message": "Unsupported get request"}}, 400
            _, node, edge = segments
            since = int(query.get("since") or 0)
            if edge == "published_posts":
                full = "message" in query.get("fields", "")
                count = feed.post_count(0, new_posts.value)
                rows = [
                    feed.post(node, index, full)
                    for index in reversed(range(count))
                    if feed.post_time(index) + 30 >= since
                ]
                return paged(path, query, rows), 200
            if edge == "comments":
                page_id, _, index = node.rpartition("_")
                rows = [
                    raw
                    for raw in feed.comments(page_id, int(index))
                    if datetime.strptime(raw["created_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() >= since
                ]
                return paged(path, query, rows), 200
            if edge == "conversations":
                return {"data": [], "paging": {}}, 200
            return {"error": {"code": 100, "message": "Unknown edge"}}, 400

    server = ThreadingHTTPServer(("127.0.0.1", 0), Graph)
    server.daemon_threads = True
    port_out.value = server.server_address[1]
    server.serve_forever()


# --- The bench ---------------------------------------------------------------------------------------
def say(text: str) -> None:
    print(text, flush=True)


def load_accounts(accounts: int, now) -> list[int]:
    """The organisation and ``accounts`` connected Facebook Pages, through the ORM (few rows)."""
    from django.db import transaction

    from accounts_register.models import Directorate, Service, SocialMediaAccount
    from monitoring.connections import credentials_encrypt
    from monitoring.connectors.base import Credentials
    from monitoring.models import Connection

    with transaction.atomic():
        directorate = Directorate.objects.create(name="Bench directorate")
        services = Service.objects.bulk_create(
            Service(name=f"Service {i}", directorate=directorate) for i in range(10)
        )
        made = SocialMediaAccount.objects.bulk_create(
            SocialMediaAccount(
                platform="facebook",
                handle=f"bench_page_{i}",
                url=f"https://www.facebook.com/bench_page_{i}",
                display_name=f"Bench Page {i}",
                service=services[i % len(services)],
                kind="departmental",
                status="active",
                admin_mailbox="socialmedia@example.gov.uk",
                password_changed_on=(now - timedelta(days=30)).date(),
            )
            for i in range(accounts)
        )
        connections = []
        for i, account in enumerate(made):
            page_id = str(FIRST_PAGE_ID + i)
            credentials = Credentials(
                account_ref=page_id,
                handle=account.handle,
                access_token=f"EAAB-bench-page-token-{i:04d}",  # noqa: S106 - the bench's own server
                refresh_token=f"EAAB-bench-user-token-{i:04d}",  # noqa: S106
            )
            connections.append(
                Connection(
                    account=account,
                    platform="facebook",
                    account_ref=page_id,
                    handle=account.handle,
                    secrets=credentials_encrypt(credentials),
                    connected_at=now,
                )
            )
        Connection.objects.bulk_create(connections)
    return [account.pk for account in made]


def load_history(account_ids: list[int], rows: int, now) -> None:
    """``rows`` of history, half enquiries (answered) and half posts, in the year before, spread over
    the accounts, inside PostgreSQL."""
    from django.db import connection

    from monitoring.models import Enquiry, Post

    first, count = min(account_ids), len(account_ids)
    start = (now - timedelta(days=400)).isoformat()
    enquiries, posts = rows // 2, rows - rows // 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO "{Enquiry._meta.db_table}" (account_id, platform_id, received_at, author, text,
                channel, url, conversation_id, response_due_at, response_policy, status,
                first_response_at, first_response_working_seconds, met_deadline, closed_at,
                no_response_reason, recorded_at)
            SELECT {first} + mod(i, {count}), 'history_e' || i, r, 'resident' || mod(i, 5000),
                   'A question from last year', 'comment', '', 'history_p' || i,
                   r + interval '1 day', 'working_day', 'answered', r + interval '2 hours', 7200, true,
                   r + interval '2 hours', '', r
            FROM (SELECT i, %s::timestamptz + i * (interval '1 second' * {31_536_000 // max(enquiries, 1)})
                         AS r FROM generate_series(1, {enquiries}) AS i) g
            """,  # noqa: S608 - integers and our own table names only
            [start],
        )
        cursor.execute(
            f"""
            INSERT INTO "{Post._meta.db_table}" (account_id, platform_id, posted_at, kind, text, url,
                published_by, recorded_at)
            SELECT {first} + mod(i, {count}), 'history_p' || i,
                   %s::timestamptz + i * (interval '1 second' * {31_536_000 // max(posts, 1)}),
                   'original', 'A post from last year', '', '', now()
            FROM generate_series(1, {posts}) AS i
            """,  # noqa: S608 - integers and our own table names only
            [start],
        )
    # Measured once the load has settled: the tables vacuumed (no autovacuum running into the
    # cycles) and the load's WAL flushed by a checkpoint.
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{Enquiry._meta.db_table}", "{Post._meta.db_table}"')
        cursor.execute("CHECKPOINT")


def unload_history() -> None:
    from django.db import connection

    from monitoring.models import Enquiry, Post

    with connection.cursor() as cursor:
        for model in (Enquiry, Post):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM \"{table}\" WHERE platform_id LIKE 'history\\_%%'")  # noqa: S608
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def cycle(label: str, now, factory, expected_items: int | None = None) -> dict:
    from django.db import connection

    from monitoring.sync import connections_sync_due

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        reports = connections_sync_due(now=now, connector_factory=factory)
    elapsed = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for report in reports:
        outcomes[report.outcome] = outcomes.get(report.outcome, 0) + 1
    items = sum(r.posts_created + r.enquiries_created + r.responses for r in reports)
    pages = sum(r.pages for r in reports)
    result = {
        "label": label,
        "seconds": elapsed,
        "accounts": len(reports),
        "outcomes": outcomes,
        "items": items,
        "posts": sum(r.posts_created for r in reports),
        "enquiries": sum(r.enquiries_created for r in reports),
        "responses": sum(r.responses for r in reports),
        "pages": pages,
        "backlog": sum(r.backlog for r in reports),
        "statements": statements[0],
    }
    rate = f", {items / elapsed:,.0f} items/s" if items else ""
    say(
        f"{label}: {elapsed:,.2f} s for {len(reports)} accounts ({outcomes}), {items:,} new items "
        f"({result['posts']:,} posts, {result['enquiries']:,} enquiries, {result['responses']:,} "
        f"responses){rate}; {pages:,} stream pages, {result['statements']:,} SQL statements"
    )
    if expected_items is not None and items != expected_items:
        say(f"  !! expected {expected_items:,} new items")
    return result


def facebook_section(args, port: int, new_posts, factory, real_now, next_now) -> None:
    from django.conf import settings

    from monitoring.models import Enquiry, Post

    say(
        f"{args.accounts} Facebook Pages, {args.posts} posts each at the start (4 items a post), "
        f"history {args.history:,} rows; page limit {settings.CONNECTION_SYNC_PAGE_LIMIT}, "
        f"Graph server on 127.0.0.1:{port}"
    )
    t = time.perf_counter()
    account_ids = load_accounts(args.accounts, real_now)
    say(f"Accounts and connections made in {time.perf_counter() - t:,.1f} s")

    # Four items a post: the post, two enquiries, and the Page's reply recorded as a response.
    first = args.accounts * args.posts * 4
    a = cycle("(a) first cycle", next_now(), factory, expected_items=first)

    def quiet_and_new(size: str) -> tuple[list[dict], list[dict]]:
        quiet = [
            cycle(f"(b) nothing new, {size}, run {n}", next_now(), factory, expected_items=0)
            for n in range(1, args.repeat + 1)
        ]
        new = []
        for n in range(1, args.repeat + 1):
            new_posts.value += 1
            new.append(
                cycle(
                    f"(c) one new post a Page, {size}, run {n}",
                    next_now(),
                    factory,
                    expected_items=args.accounts * 4,
                )
            )
        return quiet, new

    quiet_small, new_small = quiet_and_new("small history")
    small_rows = Enquiry.objects.count() + Post.objects.count()
    t = time.perf_counter()
    load_history(account_ids, args.history, real_now)
    large_rows = Enquiry.objects.count() + Post.objects.count()
    say(
        f"History loaded (then VACUUM ANALYZE, CHECKPOINT) in {time.perf_counter() - t:,.1f} s: "
        f"{small_rows:,} rows before, {large_rows:,} after"
    )
    quiet_large, new_large = quiet_and_new("large history")
    # A control: the history deleted again, so a difference that stays is drift (the machine, the
    # tables the cycles themselves churn), not the history.
    t = time.perf_counter()
    unload_history()
    say(f"History deleted (then VACUUM ANALYZE) in {time.perf_counter() - t:,.1f} s")
    quiet_again, new_again = quiet_and_new("history deleted")
    again_rows = Enquiry.objects.count() + Post.objects.count()

    def fastest(runs: list[dict]) -> float:
        return min(run["seconds"] for run in runs)

    def median(runs: list[dict]) -> float:
        return statistics.median(run["seconds"] for run in runs)

    say("")
    say(
        f"{args.accounts} accounts; fastest / median of {args.repeat} cycles; "
        f"ratio of the fastest (large / small)"
    )
    say(
        f"| cycle | {small_rows:,} rows | {large_rows:,} rows | ratio | history deleted, "
        f"{again_rows:,} rows | SQL statements a cycle |"
    )
    say("|---|---|---|---|---|---|")
    for label, small, large, again in (
        ("(b) nothing new", quiet_small, quiet_large, quiet_again),
        (f"(c) one new post a Page ({args.accounts * 4:,} items)", new_small, new_large, new_again),
    ):
        statements = " / ".join(f"{runs[0]['statements']:,}" for runs in (small, large, again))
        say(
            f"| {label} | {fastest(small):,.2f} s / {median(small):,.2f} s "
            f"| {fastest(large):,.2f} s / {median(large):,.2f} s "
            f"| {fastest(large) / fastest(small):.2f}× "
            f"| {fastest(again):,.2f} s / {median(again):,.2f} s | {statements} |"
        )
    say(f"| (a) first cycle ({a['items']:,} items) | {a['seconds']:,.2f} s | | | | {a['statements']:,} |")
    marginal = (fastest(new_large) - fastest(quiet_large)) / (args.accounts * 4)
    say(
        f"\nFirst cycle: {a['items'] / a['seconds']:,.0f} items/s. "
        f"A quiet account costs {fastest(quiet_large) / args.accounts * 1000:,.1f} ms a cycle; "
        f"each new item about {marginal * 1000:,.1f} ms more (large history)."
    )


def bluesky_section(accounts: int, next_now) -> None:
    """``accounts`` council accounts on a real local AT Protocol network (a PLC directory, a PDS and
    the App View from ``@atproto/dev-env``, ``tests/atproto_network``), each connected with an app
    password and synced through the real ``BlueskyConnector`` by ``connections_sync_due``."""
    from atproto import models
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test.utils import override_settings

    from accounts_register.models import Directorate, Service, SocialMediaAccount
    from councilsocial.permissions import COMMUNICATIONS
    from monitoring.connections import connection_connect_app_password
    from monitoring.models import Connection
    from tests.monitoring.connectors.atproto_network import AtprotoNetwork

    say(f"\nBluesky: {accounts} accounts on the local AT Protocol network")
    Connection.objects.exclude(platform="bluesky").delete()  # only the Bluesky accounts are due
    network = AtprotoNetwork.start()
    try:
        say(f"Network started in {network.started_in:,.1f} s")
        t = time.perf_counter()
        councils = []
        for _ in range(accounts):
            account = network.create_account("council")
            app = network.client(account)
            councils.append((account, app, network.create_app_password(app)))
        resident_account = network.create_account("resident")
        resident = network.client(resident_account)
        made = time.perf_counter() - t
        say(f"{accounts + 1} accounts made (each signed in, with an app password) in {made:,.1f} s")

        def reply_ref(parent):
            ref = models.create_strong_ref(parent)
            return models.AppBskyFeedPost.ReplyRef(parent=ref, root=ref)

        def activity(round_: int) -> None:
            """Each account posts; the resident replies; the account answers in the thread. The App
            View indexes each step before the next, as it has by the time a person replies: a reply
            indexed before its parent post makes no notification."""
            posts = [
                app.send_post(f"Round {round_}: the library opens late on Thursday.")
                for _account, app, _ in councils
            ]
            network.sync()
            questions = [resident.send_post("Which library?", reply_to=reply_ref(post)) for post in posts]
            network.sync()
            for (_account, app, _), question in zip(councils, questions, strict=True):
                app.send_post("The central library.", reply_to=reply_ref(question))
            network.sync()

        t = time.perf_counter()
        activity(1)
        say(f"Round 1 written ({accounts * 3} records) in {time.perf_counter() - t:,.1f} s")

        service = Service.objects.first() or Service.objects.create(
            name="Bluesky bench service", directorate=Directorate.objects.create(name="Bench directorate")
        )
        comms, _ = get_user_model().objects.get_or_create(username="bench-comms")
        comms.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
        t = time.perf_counter()
        with override_settings(CONNECTOR_BLUESKY_SERVICE_URL=network.pds_url):
            for account, _, app_password in councils:
                row = SocialMediaAccount.objects.create(
                    platform="bluesky",
                    handle=account.handle,
                    url=f"https://bsky.app/profile/{account.handle}",
                    display_name=account.handle,
                    service=service,
                    kind="departmental",
                    status="active",
                    admin_mailbox="socialmedia@example.gov.uk",
                )
                # As Communications does on the account's page: one sign-in proves the app password,
                # and the session it made is kept for the syncs.
                connection_connect_app_password(
                    account=row, handle=account.handle, app_password=app_password, by=comms, now=next_now()
                )
        say(
            f"{accounts} accounts connected (connection_connect_app_password) "
            f"in {time.perf_counter() - t:,.1f} s"
        )
        # Each round: a post and the account's reply (posts), the resident's reply (an enquiry),
        # answered in the thread (a response).
        first = cycle("(a) Bluesky first cycle", next_now(), None, expected_items=accounts * 4)
        quiet = cycle("(b) Bluesky nothing new", next_now(), None, expected_items=0)
        activity(2)
        new = cycle("(c) Bluesky one new thread an account", next_now(), None, expected_items=accounts * 4)
        say("")
        say(f"| Bluesky, {accounts} accounts | cycle | items | items/s | per account | SQL statements |")
        say("|---|---|---|---|---|---|")
        for label, run in (("(a) first", first), ("(b) nothing new", quiet), ("(c) one new thread", new)):
            rate = f"{run['items'] / run['seconds']:,.0f}" if run["items"] else "–"
            say(
                f"| {label} | {run['seconds']:,.2f} s | {run['items']:,} | {rate} "
                f"| {run['seconds'] / accounts * 1000:,.0f} ms | {run['statements']:,} |"
            )
    finally:
        network.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=250, help="connected Facebook Pages (250)")
    parser.add_argument("--posts", type=int, default=8, help="posts a Page has at the first cycle (8)")
    parser.add_argument("--history", type=int, default=1_000_000, help="rows of history (1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="cycles (b) and (c) at each size (3)")
    parser.add_argument(
        "--bluesky",
        type=int,
        default=25,
        help="Bluesky accounts on the local AT network afterwards (25; 0: none)",
    )
    args = parser.parse_args()

    # The server first, before Django opens any connection the fork would share.
    started_at = time.time()
    port, new_posts = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(port, new_posts, args.posts, started_at), daemon=True
    )
    server.start()
    while not port.value:
        time.sleep(0.05)
    try:
        run(args, port.value, new_posts)
    finally:
        server.terminate()
        server.join(5)


def run(args, port: int, new_posts) -> None:
    ensure_database(drop=True)
    setup_django()
    from django.test.utils import override_settings
    from django.utils import timezone

    from monitoring.connectors.facebook import FacebookConnector
    from monitoring.connectors.http import TimeoutSession

    # One cycle covers every account, however slow the machine (the production run stops starting
    # new accounts after CONNECTION_SYNC_CYCLE_SECONDS and takes the rest first next time).
    override_settings(CONNECTION_SYNC_CYCLE_SECONDS=3600).enable()
    local = f"http://127.0.0.1:{port}"

    class Loopback(TimeoutSession):
        def request(self, method, url, **kwargs):  # type: ignore[override]
            if url.startswith(GRAPH_HOST):
                url = local + url[len(GRAPH_HOST) :]
            return super().request(method, url, **kwargs)

    def factory(credentials):
        return FacebookConnector(credentials, session=Loopback())

    real_now = timezone.now()
    steps = iter(range(1, 100))

    def next_now():
        # Each cycle a few minutes after the last, so every account is due again (SYNC_MIN_INTERVAL).
        return real_now + timedelta(minutes=2 * next(steps))

    if args.accounts:
        facebook_section(args, port, new_posts, factory, real_now, next_now)
    if args.bluesky:
        bluesky_section(args.bluesky, next_now)


if __name__ == "__main__":
    main()
