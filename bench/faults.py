"""Fault injection: Redis and PostgreSQL go away while the app is busy (issue 8 item 5).

    .venv/bin/python bench/faults.py --dry-run   # the whole run without stopping anything
    .venv/bin/python bench/faults.py             # DESTRUCTIVE: stops and restarts the machine's
                                                 # Redis and PostgreSQL; nothing else may be running

Starts the application as production runs it — gunicorn, one Celery worker and one Celery beat —
on a free port on 127.0.0.1, against its own PostgreSQL database (``cs_faults``, migrated and
seeded with the demo) and Redis, with email written to files in a temporary folder. Then:

1. **Redis**: posts enquiries (``POST /api/enquiries/``, token of the demo officer) and requests
   monitoring terms (the web form; each writes an outbox email to Communications in the same
   transaction) in a loop; part-way through stops Redis (``redis-cli shutdown nosave``), keeps
   posting, then starts it again, empty. Checks: every request was answered 2xx, every enquiry the
   API acknowledged is in the database, and every outbox email was sent exactly once (one file
   message per term, every Notification marked sent) — the every-minute outbox job makes up for
   the tasks that could not be queued while Redis was down.
2. **PostgreSQL**: restarts the cluster (``pg_ctlcluster … stop``/``start``); ``/healthz`` must
   answer 503 while it is down and 200 again afterwards without anything being restarted.

Only loopback addresses are used; every loop is bounded in count and time. Exit status 0 when every
check passed. ``--dry-run`` skips stopping Redis and PostgreSQL (so checks the plumbing only).

To rehearse without disturbing the machine's services, give it a private Redis and cluster::

    pg_createcluster 15 faults --port 5440 -- --auth-host=trust --auth-local=trust
    pg_ctlcluster --skip-systemctl-redirect 15 faults start
    redis-server --daemonize yes --bind 127.0.0.1 --port 6390 --save "" --appendonly no
    FAULTS_REDIS_PORT=6390 FAULTS_PG_PORT=5440 FAULTS_PG_CLUSTER=faults .venv/bin/python bench/faults.py
    redis-cli -p 6390 shutdown nosave; pg_dropcluster --stop 15 faults

Rehearsed that way on 23 November 2026 (`--rounds 30`, Redis down 20 s): 89 enquiries and 89 outbox
emails written, 69 rounds of them while Redis was down, no error answered, every enquiry stored,
every email sent exactly once (the outbox was empty 13 s after Redis came back); /healthz answered
503 throughout the PostgreSQL outage and 200 as soon as it was back, and the API worked at once.
"""

# A manual script: it runs fixed local commands (S603, S607), opens only http://127.0.0.1 URLs
# it builds itself (S310) and names its own database in SQL (S608).
# ruff: noqa: S603, S607, S310, S608

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# The services to stop: by default the machine's own (Redis 6379, PostgreSQL cluster 15/main on
# 5432). Point these at a private Redis and a private cluster (pg_createcluster) to rehearse the
# run without disturbing anyone else.
REDIS_PORT = os.environ.get("FAULTS_REDIS_PORT", "6379")
PG_PORT = os.environ.get("FAULTS_PG_PORT", "5432")
PG_VERSION = os.environ.get("FAULTS_PG_VERSION", "15")
PG_CLUSTER = os.environ.get("FAULTS_PG_CLUSTER", "main")
SERVER = f"postgres://postgres@127.0.0.1:{PG_PORT}"
DATABASE = os.environ.get("FAULTS_DATABASE", "cs_faults")
DATABASE_URL = f"{SERVER}/{DATABASE}"
REDIS_DB = os.environ.get("FAULTS_REDIS_DB", "13")
BROKER_URL = f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}"
PASSWORD = "faults-demo-password"  # noqa: S105 - demo users in a throwaway database
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", REDIS_PORT]
REDIS_START += ["--save", "", "--appendonly", "no"]


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=check, capture_output=True, text=True, timeout=300)


def redis_up() -> bool:
    result = run("redis-cli", "-h", "127.0.0.1", "-p", REDIS_PORT, "ping", check=False)
    return "PONG" in result.stdout


def wait_until(condition, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


class App:
    """gunicorn, a Celery worker and Celery beat, as the systemd units in deploy/ run them."""

    def __init__(self, mail_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
            "DEBUG": "false",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "CONNECTION_KEYS": "ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDAwMDA=",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "DATABASE_URL": DATABASE_URL,
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "SITE_URL": "http://127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []
        self.log_dir = Path(tempfile.mkdtemp(prefix="faults-logs-"))

    def manage(self, *args: str) -> str:
        return run(str(VENV_BIN / "python"), "manage.py", *args, env=self.env).stdout

    def prepare_database(self) -> None:
        exists = run("psql", "-X", "-At", "-d", f"{SERVER}/postgres", "-c",
                     f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'").stdout.strip()  # fmt: skip
        if exists:
            run(
                "psql",
                "-X",
                "-q",
                "-d",
                f"{SERVER}/postgres",
                "-c",
                f'DROP DATABASE "{DATABASE}" WITH (FORCE)',
            )
        run("psql", "-X", "-q", "-d", f"{SERVER}/postgres", "-c", f'CREATE DATABASE "{DATABASE}"')
        log(f"Database {DATABASE}: migrating and seeding the demo …")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("seed_demo", "--allow-production", "--password", PASSWORD)
        self.manage("collectstatic", "--noinput", "-v", "0")

    def start(self) -> None:
        def spawn(name: str, *args: str) -> None:
            out = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            self.processes.append(
                subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
            )

        spawn("web", str(VENV_BIN / "gunicorn"), "councilsocial.wsgi:application",
              "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30")  # fmt: skip
        spawn("worker", str(VENV_BIN / "celery"), "-A", "councilsocial", "worker", "--loglevel", "INFO",
              "--concurrency", "2", "--without-mingle", "--without-gossip")  # fmt: skip
        spawn("beat", str(VENV_BIN / "celery"), "-A", "councilsocial", "beat", "--loglevel", "INFO",
              "--pidfile", str(self.log_dir / "beat.pid"))  # fmt: skip
        if not wait_until(lambda: self.status("/healthz") == 200, timeout=60):
            raise SystemExit(f"The app did not become healthy; logs in {self.log_dir}")
        log(f"App up at {self.url} (logs in {self.log_dir})")

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0


class Officer:
    """The demo officer: an API token for enquiries and a signed-in session for the web form."""

    def __init__(self, app: App):
        self.app = app
        self.token = app.manage(
            "shell", "-c",
            "from rest_framework.authtoken.models import Token; from django.contrib.auth.models import User; "
            "print(Token.objects.get_or_create(user=User.objects.get(username='officer'))[0].key)",
        ).strip().splitlines()[-1]  # fmt: skip
        ids = app.manage(
            "shell", "-c",
            "from accounts_register.models import SocialMediaAccount as A, Service as S; "
            "s = S.objects.get(name='Countryside Service'); "
            "print(s.pk, A.objects.filter(service=s).values_list('pk', flat=True).first())",
        ).split()  # fmt: skip
        self.service_id, self.account_id = ids[-2], ids[-1]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/sign-in/")
        _, home = self.post_form("/sign-in/", page, {"username": "officer", "password": PASSWORD})
        if "Sign out" not in home:
            raise SystemExit("Could not sign in as the demo officer.")

    def get(self, path: str) -> str:
        with self.opener.open(self.app.url + path, timeout=10) as response:
            return response.read().decode()

    def post_form(self, path: str, page: str, fields: dict) -> tuple[int, str]:
        """The status and page after following the redirect, 0 when there was no answer."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(
            self.app.url + path, data=data, headers={"Referer": self.app.url + path}
        )
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""
        except OSError:
            return 0, ""

    def post_enquiry(self, platform_id: str) -> int:
        body = json.dumps({
            "account": int(self.account_id), "platform_id": platform_id, "author": "fault-test",
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "text": "Is the road closed?", "channel": "comment",
        }).encode()  # fmt: skip
        request = urllib.request.Request(
            self.app.url + "/api/enquiries/", data=body,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def request_term(self, term: str) -> int:
        """The status; 422 stands for a form shown again with an error."""
        try:
            page = self.get("/operations/monitoring-terms/")
        except (urllib.error.HTTPError, OSError):
            return 0
        fields = {"term": term, "service": self.service_id, "reason": "Fault test"}
        code, body = self.post_form("/operations/monitoring-terms/", page, fields)
        if code == 200 and "Your request has been sent" not in body:
            return 422
        return code


def sent_subjects(mail_dir: Path) -> list[str]:
    subjects = []
    for path in mail_dir.glob("*.log"):
        subjects += re.findall(r"^Subject: (.*)$", path.read_text(errors="replace"), flags=re.MULTILINE)
    return subjects


def redis_phase(
    app: App, officer: Officer, mail_dir: Path, *, destructive: bool, rounds: int, outage: float
) -> bool:
    run_id = uuid.uuid4().hex[:8]
    codes: dict[str, list[int]] = {"enquiry": [], "term": []}
    acknowledged: list[str] = []
    terms: list[str] = []

    def post_round(i: int) -> None:
        platform_id = f"faults-{run_id}-{i}"
        code = officer.post_enquiry(platform_id)
        codes["enquiry"].append(code)
        if 200 <= code < 300:
            acknowledged.append(platform_id)
        term = f"faults {run_id} {i}"
        code = officer.request_term(term)
        codes["term"].append(code)
        if 200 <= code < 400:
            terms.append(term)

    # A third of the rounds before the outage, a third or more during it (it lasts at least
    # `outage` seconds), a third after Redis is back.
    third = max(rounds // 3, 1)
    i = 0
    for _ in range(third):
        post_round(i)
        i += 1
    if destructive:
        log("Stopping Redis (shutdown nosave) …")
        run("redis-cli", "-h", "127.0.0.1", "-p", REDIS_PORT, "shutdown", "nosave", check=False)
        wait_until(lambda: not redis_up(), timeout=10)
        log(f"Redis down; /healthz answers {app.status('/healthz')}")
    stopped_at, during = time.monotonic(), 0
    while during < third or (destructive and time.monotonic() - stopped_at < outage):
        post_round(i)
        i += 1
        during += 1
    if destructive:
        log(f"Starting Redis again, empty, after {time.monotonic() - stopped_at:.0f} s "
            f"and {during} rounds posted while it was down …")  # fmt: skip
        run(*REDIS_START)
        wait_until(redis_up, timeout=20)
    for _ in range(third):
        post_round(i)
        i += 1
    if destructive and not redis_up():
        run(*REDIS_START)
        wait_until(redis_up, timeout=20)

    log("Waiting for the outbox to empty (the every-minute job sends what could not be queued) …")
    check = (
        "from councilsocial.notifications.models import Notification as N; "
        f"q = N.objects.filter(subject__contains='faults {run_id}'); "
        "print(q.count(), q.filter(status=N.Status.SENT).count())"
    )
    total = sent = -1

    def drained() -> bool:
        nonlocal total, sent
        total, sent = (int(x) for x in app.manage("shell", "-c", check).split()[-2:])
        return total == sent

    waited_from = time.monotonic()
    drained_in_time = wait_until(drained, timeout=200, step=5)
    log(f"Outbox {'empty' if drained_in_time else 'NOT empty'} after {time.monotonic() - waited_from:.0f} s")
    found = app.manage(
        "shell", "-c",
        f"from monitoring.models import Enquiry; print(Enquiry.objects.filter(platform_id__startswith='faults-{run_id}-').count())",  # noqa: E501
    ).split()[-1]  # fmt: skip
    subjects = [s for s in sent_subjects(mail_dir) if f"faults {run_id}" in s]
    per_term = {term: subjects.count(f"Monitoring term requested: {term}") for term in terms}

    bad = {kind: [c for c in values if not 200 <= c < 400] for kind, values in codes.items()}
    checks = {
        "every request answered without an error": not bad["enquiry"] and not bad["term"],
        "every acknowledged enquiry is stored": int(found) == len(acknowledged),
        "every outbox email marked sent": drained_in_time and total == len(terms),
        "every email sent exactly once": all(n == 1 for n in per_term.values())
        and len(per_term) == len(terms),
    }
    log(f"Enquiries: {len(acknowledged)} acknowledged, {found} stored; errors {bad['enquiry'] or 'none'}")
    log(f"Term requests: {len(terms)} accepted, errors {bad['term'] or 'none'}; "
        f"outbox {sent}/{total} sent; emails per term {sorted(set(per_term.values()))}")  # fmt: skip
    for name, ok in checks.items():
        log(f"  {'PASS' if ok else 'FAIL'}  Redis: {name}")
    return all(checks.values())


def postgres_phase(app: App, officer: Officer, *, destructive: bool) -> bool:
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER]
    if not destructive:
        ok = app.status("/healthz") == 200
        log(f"  {'PASS' if ok else 'FAIL'}  PostgreSQL (dry run): /healthz answers 200")
        return ok
    log("Stopping PostgreSQL …")
    run(*cluster, "stop", "-m", "fast")
    down = [app.status("/healthz") for _ in range(5)]
    log(f"/healthz while PostgreSQL is down: {down}")
    run(*cluster, "start")
    started = time.monotonic()
    recovered = wait_until(lambda: app.status("/healthz") == 200, timeout=60)
    log(f"/healthz 200 again {time.monotonic() - started:.1f} s after PostgreSQL started")
    # Every gunicorn worker's pooled connection died with the server: the next requests must
    # reconnect by themselves (CONN_HEALTH_CHECKS), not fail once per worker.
    after = [officer.post_enquiry(f"faults-after-restart-{uuid.uuid4().hex[:8]}") for _ in range(6)]
    log(f"Enquiries posted after the restart: {after}")
    checks = {"/healthz answers 503 while down": all(code == 503 for code in down),
              "/healthz answers 200 again by itself": recovered,
              "the API works again at once": all(code == 201 for code in after)}  # fmt: skip
    for name, ok in checks.items():
        log(f"  {'PASS' if ok else 'FAIL'}  PostgreSQL: {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="stop nothing; check the plumbing")
    parser.add_argument("--rounds", type=int, default=45, help="requests of each kind (default 45)")
    parser.add_argument("--outage", type=float, default=20, help="seconds Redis stays down (default 20)")
    args = parser.parse_args()
    destructive = not args.dry_run
    if destructive:
        log("DESTRUCTIVE run: Redis and PostgreSQL on this machine will be stopped and restarted.")
    if not redis_up():
        raise SystemExit(f"Redis is not running on 127.0.0.1:{REDIS_PORT}.")

    mail_dir = Path(tempfile.mkdtemp(prefix="faults-mail-"))
    app = App(mail_dir)
    app.prepare_database()
    app.start()
    try:
        officer = Officer(app)
        ok = redis_phase(
            app, officer, mail_dir, destructive=destructive, rounds=args.rounds, outage=args.outage
        )
        ok = postgres_phase(app, officer, destructive=destructive) and ok
    finally:
        app.stop()
        if destructive and not redis_up():
            run(*REDIS_START, check=False)
        shutil.rmtree(mail_dir, ignore_errors=True)
    log("All checks passed." if ok else "Some checks FAILED (see above).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
