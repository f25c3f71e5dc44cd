"""Load test: the app under gunicorn with production settings, on loopback, against a fresh
PostgreSQL database, with staff clients reading and taking workflow steps at once.

    python tools/loadtest.py [--clients 50] [--seconds 60] [--workers 4]

``make load`` runs the full test; CI runs a short one (.ci/run). It is not part of the
pytest run. What it does:

1. Creates the database ``hcppcc_load`` (dropped first if it is there), migrates it, loads
   the seeds, the demo accounts and the 2020 demonstration records (``--no-demo`` skips
   them), and collects the static files.
2. Starts gunicorn (``hcppcc.wsgi``) on 127.0.0.1 and a free port, DEBUG off, with a random
   secret key. Loopback is plain HTTP, so the HTTPS redirect, secure cookies and HSTS are
   turned off through their documented variables (docs/operations.md); TLS would end at
   the proxy in front.
3. Runs the clients for the given time. Office clerks create proposals through the API and
   take them through submit, accept and assign; the demo unit acknowledges and replies;
   the office approves the reply; the proposer (the demo member) gives feedback. Every
   client also reads: API lists and records, and the staff pages. Some steps are sent
   twice at the same moment (a double click): one must succeed, the other get 409.
4. Checks in the database that every write the server answered as successful is there,
   once (its transition row, the proposal's status, the reply), and that nothing was
   written that the server did not confirm.
5. Stops gunicorn and drops the database, whatever happened.

Exits non-zero when a request failed (any answer but 2xx, except the 409/412 the losing
half of a double click must get) or a confirmed write is missing, doubled or unconfirmed.
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

if __package__ in (None, ""):  # run as ``python tools/loadtest.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.loadserver import (
    HOST,
    PASSWORD,
    ROOT,
    free_port,
    prepare,
    print_server_log,
    recreate_database,
    server_environment,
    start_server,
    stop_server,
)

REQUEST_TIMEOUT = 60  # seconds; gunicorn's own worker timeout is 30
WRITE_SHARE = 0.5  # of a working client's requests, the share that are workflow steps

# What each client does, by its index: office clerks and the unit's desk work and read,
# the rest only read (the member also gives feedback). The first seven cover every role,
# so that a short run takes proposals through the whole lifecycle.
PROFILES = ("office", "unit", "member", "leader", "office", "auditor", "unit", "office")
PROFILES += ("leader", "office-reader")
USERNAMES = {"office-reader": "office"}

# The transition rows a confirmed step leaves (services: proposals/services/).
TRANSITIONS = {
    "create": ("create",),
    "submit": ("submit",),
    "accept": ("accept",),
    "assign": ("assign",),
    "acknowledge": ("acknowledge", "start_handling"),
    "submit-reply": ("submit_reply",),
    "approve": ("approve_reply", "mark_replied"),
    "feedback": ("feedback",),
}
# The proposal's status after each step (one lead unit, satisfied feedback).
STATUS_AFTER = {
    "create": "draft",
    "submit": "submitted",
    "accept": "accepted",
    "assign": "assigned",
    "acknowledge": "handling",
    "submit-reply": "handling",
    "approve": "replied",
    "feedback": "closed",
}


# --- recording --------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    status: int  # 0: no answer (connection refused, reset, timed out)
    seconds: float
    body: bytes
    headers: http.client.HTTPMessage | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self):
        return json.loads(self.body)

    def excerpt(self) -> str:
        return self.body[:300].decode("utf-8", "replace").replace("\n", " ")


@dataclass
class Stats:
    """Every request's outcome: ok, refused (an expected 409/412) or error."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict = field(default_factory=lambda: collections.defaultdict(list))
    outcomes: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    errors: collections.Counter = field(default_factory=collections.Counter)

    def record(self, result: Result, outcome: str, note: str = "") -> None:
        with self.lock:
            self.latencies[result.kind].append(result.seconds)
            self.outcomes[result.kind][outcome] += 1
            if outcome == "error":
                self.errors[(result.kind, result.status, note or result.excerpt())] += 1

    def error(self, kind: str, note: str) -> None:
        """A failure that is not one request's status (e.g. a record the server lost)."""
        with self.lock:
            self.outcomes[kind]["error"] += 1
            self.errors[(kind, 0, note)] += 1


@dataclass
class Ledger:
    """The writes the server confirmed, to be found in the database afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    steps: dict = field(default_factory=lambda: collections.defaultdict(list))
    assignment: dict = field(default_factory=dict)

    def confirm(self, proposal: int, step: str, assignment: int | None = None) -> None:
        with self.lock:
            self.steps[proposal].append(step)
            if assignment is not None:
                self.assignment[proposal] = assignment


# --- the server and its database -----------------------------------------------------------


def wait_until_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            print_server_log(log)
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        if request(port, "ready", "GET", "/accounts/login/").status == 200:
            return
        time.sleep(0.2)
    print_server_log(log)
    raise RuntimeError("gunicorn did not answer within 30 s")


# --- HTTP -----------------------------------------------------------------------------------


def request(port: int, kind: str, method: str, path: str, *, body=None, headers=None) -> Result:
    """One request on a new connection (gunicorn's sync workers close it after each)."""
    headers = {"Accept-Language": "en", **(headers or {})}
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        result = Result(kind, response.status, 0.0, response.read(), response.headers)
    except OSError as error:
        result = Result(kind, 0, 0.0, f"{type(error).__name__}: {error}".encode())
    finally:
        connection.close()
    result.seconds = time.perf_counter() - started
    return result


def cookies_of(result: Result) -> dict:
    jar = SimpleCookie()
    headers = result.headers.get_all("Set-Cookie") if result.headers else None
    for header in headers or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, username: str, stats: Stats) -> str:
    """Sign in on the page, as a browser does; the session cookie header, or "" on failure."""
    form = request(port, "GET sign-in page (before the run)", "GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    csrf = cookies_of(form).get("csrftoken", "")
    stats.record(form, "ok" if form.ok and match and csrf else "error")
    if not (form.ok and match and csrf):
        return ""
    fields = {"csrfmiddlewaretoken": match.group(1).decode(), "username": username}
    result = request(
        port,
        "POST sign-in (before the run)",
        "POST",
        "/accounts/login/",
        body=urlencode({**fields, "password": PASSWORD}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        },
    )
    session = cookies_of(result).get("sessionid")
    signed_in = result.status == 302 and session
    stats.record(result, "ok" if signed_in else "error")
    return f"sessionid={session}; csrftoken={csrf}" if signed_in else ""


def api_token(port: int, username: str) -> str:
    result = request(
        port,
        "POST api token",
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    if not result.ok:
        raise RuntimeError(f"no API token for {username}: {result.status} {result.excerpt()}")
    return result.json()["token"]


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Run:
    """What every client shares: where the server is, the reference ids, the work in hand."""

    port: int
    deadline: float
    double: float
    tokens: dict
    ids: dict  # session, category, result_class, unit, member
    today: str
    member_client: bool
    stats: Stats = field(default_factory=Stats)
    ledger: Ledger = field(default_factory=Ledger)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Proposals waiting for their next step, by the status they are in.
    waiting: dict = field(default_factory=lambda: collections.defaultdict(collections.deque))
    # Records to read, by who may see them.
    proposals: list = field(default_factory=list)
    unit_proposals: list = field(default_factory=list)
    unit_assignments: list = field(default_factory=list)
    created: int = 0

    def take(self, *statuses: str) -> tuple[str, dict] | None:
        """The first proposal waiting in one of ``statuses`` (most advanced first), now this
        client's alone."""
        with self.lock:
            for status in statuses:
                if self.waiting[status]:
                    return status, self.waiting[status].popleft()
        return None

    def put(self, status: str, item: dict) -> None:
        with self.lock:
            self.waiting[status].append(item)


class Client:
    """One person at a keyboard: signs in, then works and reads until the time is up."""

    def __init__(self, run: Run, index: int, profile: str):
        self.run = run
        self.index = index
        self.profile = profile
        self.username = USERNAMES.get(profile, profile)
        self.token = run.tokens[self.username]
        self.cookie = ""
        self.random = random.Random(index)

    # -- requests --

    def api(self, kind: str, method: str, path: str, body=None) -> Result:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return request(self.run.port, kind, method, path, body=data, headers=headers)

    def read(self, kind: str, path: str, *, page: bool = False) -> None:
        if page:
            result = request(self.run.port, kind, "GET", path, headers={"Cookie": self.cookie})
        else:
            result = self.api(kind, "GET", path)
        self.run.stats.record(result, "ok" if result.status == 200 else "error")

    def step(self, kind: str, path: str, body: dict) -> Result | None:
        """Take a step; now and then send it twice at the same moment, as a double click.
        Returns the successful answer, or None (the failure is recorded)."""
        if self.random.random() >= self.run.double:
            result = self.api(kind, "POST", path, body)
            self.run.stats.record(result, "ok" if result.ok else "error")
            return result if result.ok else None
        results: list[Result] = []
        start = threading.Barrier(2)

        def send() -> None:
            start.wait()
            results.append(self.api(f"{kind} (double click)", "POST", path, body))

        twin = threading.Thread(target=send)
        twin.start()
        send()
        twin.join()
        won = [r for r in results if r.ok]
        for result in results:
            if result.ok:
                outcome = "ok" if len(won) == 1 else "error"
                note = "" if len(won) == 1 else "the same step succeeded twice"
            else:
                outcome = "refused" if won and result.status in (409, 412) else "error"
                note = ""
            self.run.stats.record(result, outcome, note)
        return won[0] if len(won) == 1 else None

    # -- the work --

    def loop(self, ready: threading.Barrier) -> None:
        try:
            # The staff pages need a signed-in session, as a browser has (tokens are the API's).
            self.cookie = sign_in(self.run.port, self.username, self.run.stats)
            ready.wait()
            while time.monotonic() < self.run.deadline:
                working = self.profile in ("office", "unit", "member")
                if working and self.random.random() < WRITE_SHARE and self.work():
                    continue
                self.browse()
        except Exception as error:  # e.g. an answer not shaped as documented: the run fails
            ready.abort()  # nobody waits for a client that will not come
            name = f"client {self.index} ({self.profile})"
            self.run.stats.error(name, f"{type(error).__name__}: {error}")

    def work(self) -> bool:
        """Take the next step this client's role owes, if any; False when there is none."""
        if self.profile == "office":
            # The feedback is the member's; without a member client the office records it.
            statuses = ["reply_submitted", "accepted", "submitted", "draft"]
            if not self.run.member_client:
                statuses.insert(0, "replied")
            taken = self.run.take(*statuses)
            if taken is None:
                self.create()
                return True
        elif self.profile == "unit":
            taken = self.run.take("reply_due", "assigned")
        else:
            taken = self.run.take("replied")
        if taken is None:
            return False
        status, item = taken
        getattr(self, "after_" + status)(item)
        return True

    def advance(self, item: dict, step: str, path: str, body: dict, next_status: str) -> None:
        result = self.step(f"POST api {step}", path, body)
        if result is None:
            return  # recorded as an error; the proposal leaves the run
        self.run.ledger.confirm(item["proposal"], step, item.get("assignment"))
        if next_status:
            self.run.put(next_status, item)

    def create(self) -> None:
        ids = self.run.ids
        with self.run.lock:
            self.run.created += 1
            number = self.run.created
        result = self.api(
            "POST api create",
            "POST",
            "/api/v1/proposals/",
            {
                "session": ids["session"],
                "title": f"关于负载测试第{number}件事的提案",
                "situation": "负载测试：现状说明。",
                "suggestions": "一是测试；二是核对。",
                "explanation": "由负载测试生成。",
                "proposer_kind": "individual",
                "lead_member": ids["member"],
                "consent_to_publish": True,
            },
        )
        if result.status != 201:
            self.run.stats.record(result, "error")
            return
        self.run.stats.record(result, "ok")
        proposal = result.json()["id"]
        self.run.ledger.confirm(proposal, "create")
        self.run.proposals.append(proposal)
        self.run.put("draft", {"proposal": proposal})

    def after_draft(self, item: dict) -> None:
        path = f"/api/v1/proposals/{item['proposal']}/submit/"
        self.advance(item, "submit", path, {}, "submitted")

    def after_submitted(self, item: dict) -> None:
        path = f"/api/v1/proposals/{item['proposal']}/accept/"
        self.advance(item, "accept", path, {"category": self.run.ids["category"]}, "accepted")

    def after_accepted(self, item: dict) -> None:
        path = f"/api/v1/proposals/{item['proposal']}/assign/"
        body = {"units": [{"unit": self.run.ids["unit"], "role": "lead"}]}
        result = self.step("POST api assign", path, body)
        if result is None:
            return
        assignments = result.json()["assignments"]
        if len(assignments) != 1:
            self.run.stats.error("POST api assign", f"{len(assignments)} assignments, not 1")
            return
        item["assignment"] = assignments[0]["id"]
        self.run.ledger.confirm(item["proposal"], "assign", item["assignment"])
        self.run.unit_proposals.append(item["proposal"])
        self.run.unit_assignments.append(item["assignment"])
        self.run.put("assigned", item)

    def after_assigned(self, item: dict) -> None:
        path = f"/api/v1/assignments/{item['assignment']}/acknowledge/"
        self.advance(item, "acknowledge", path, {}, "reply_due")

    def after_reply_due(self, item: dict) -> None:
        body = {
            "result_class": self.run.ids["result_class"],
            "text": "经研究，已将相关建议纳入工作计划。",
            "signer": "负载测试",
            "reply_date": self.run.today,
        }
        path = f"/api/v1/assignments/{item['assignment']}/submit-reply/"
        self.advance(item, "submit-reply", path, body, "reply_submitted")

    def after_reply_submitted(self, item: dict) -> None:
        # The office finds the reply waiting for review, as its list page does.
        query = urlencode({"assignment": item["assignment"], "status": "submitted"})
        result = self.api("GET api replies (to review)", "GET", f"/api/v1/replies/?{query}")
        replies = result.json()["results"] if result.status == 200 else []
        if len(replies) != 1:
            note = f"{len(replies)} submitted replies for assignment {item['assignment']}"
            self.run.stats.record(result, "error", note)
            return
        self.run.stats.record(result, "ok")
        path = f"/api/v1/replies/{replies[0]['id']}/approve/"
        self.advance(item, "approve", path, {"note": ""}, "replied")

    def after_replied(self, item: dict) -> None:
        body = {"attitude": "satisfied", "result": "satisfied", "comment": ""}
        path = f"/api/v1/proposals/{item['proposal']}/feedback/"
        self.advance(item, "feedback", path, body, "")

    def browse(self) -> None:
        """One read, as this client's role would make it."""
        pick = self.random.choice
        run = self.run
        if self.profile == "unit":
            choices = [
                lambda: self.read("GET api assignments", "/api/v1/assignments/?status=assigned"),
                lambda: self.read("GET page assignments", "/assignments/", page=True),
            ]
            if run.unit_assignments:
                assignment = pick(run.unit_assignments)
                proposal = pick(run.unit_proposals)
                choices += [
                    lambda: self.read("GET api assignment", f"/api/v1/assignments/{assignment}/"),
                    lambda: self.read(
                        "GET page assignment", f"/assignments/{assignment}/", page=True
                    ),
                    lambda: self.read("GET page proposal", f"/proposals/{proposal}/", page=True),
                ]
        elif self.profile == "member":
            choices = [
                lambda: self.read("GET api proposals", "/api/v1/proposals/?page_size=20"),
                lambda: self.read("GET page proposals", "/proposals/", page=True),
            ]
        else:  # the office, leaders and auditors see everything
            status = pick(["submitted", "accepted", "assigned", "handling", "replied", "closed"])
            proposal = pick(run.proposals)
            choices = [
                lambda: self.read("GET api proposals", "/api/v1/proposals/?page_size=50"),
                lambda: self.read(
                    "GET api proposals", f"/api/v1/proposals/?status={status}&ordering=-case_number"
                ),
                lambda: self.read("GET api proposal", f"/api/v1/proposals/{proposal}/"),
                lambda: self.read("GET api assignments", "/api/v1/assignments/?overdue=true"),
                lambda: self.read("GET page proposals", "/proposals/", page=True),
                lambda: self.read("GET page proposal", f"/proposals/{proposal}/", page=True),
                lambda: self.read("GET page dashboard", "/dashboard/", page=True),
                lambda: self.read("GET api stats yearly", "/api/v1/stats/yearly/?year=2020"),
                lambda: self.read("GET page assignments", "/assignments/", page=True),
            ]
        pick(choices)()


# --- afterwards -----------------------------------------------------------------------------


def setup_django(env: dict) -> None:
    """This process reads the database with the models, under the server's settings."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reference_ids() -> dict:
    from hcppcc.directory.models import Member, Session, User
    from proposals.models import Category, ResultClass

    return {
        "session": Session.objects.current().pk,
        "category": Category.objects.active().order_by("pk").first().pk,
        "result_class": ResultClass.objects.get(code="A").pk,
        "unit": User.objects.get(username="unit").handling_unit_id,
        "member": Member.objects.get(user__username="member").pk,
    }


def readable_records(run: Run) -> None:
    """The records already there (seeds, demo) that the clients read besides their own."""
    from proposals.models import Assignment, Proposal

    run.proposals.extend(Proposal.objects.values_list("pk", flat=True))
    for assignment, proposal in Assignment.objects.filter(unit=run.ids["unit"]).values_list(
        "pk", "proposal"
    ):
        run.unit_assignments.append(assignment)
        run.unit_proposals.append(proposal)


def verify(run: Run, since: datetime.datetime) -> dict[str, list[str]]:
    """Every confirmed write in the database exactly once, and nothing unconfirmed."""
    from proposals.models import Assignment, Proposal, Reply, Transition

    steps = run.ledger.steps
    problems: dict[str, list[str]] = {"lost": [], "doubled": [], "unconfirmed": [], "state": []}
    statuses = dict(Proposal.objects.filter(pk__in=steps).values_list("pk", "status"))
    logged = collections.defaultdict(collections.Counter)
    for proposal, action in Transition.objects.filter(proposal__in=steps).values_list(
        "proposal", "action"
    ):
        logged[proposal][action] += 1
    held = collections.Counter(
        Assignment.objects.filter(proposal__in=steps).values_list("proposal", flat=True)
    )
    replies = collections.defaultdict(list)
    for assignment, status in Reply.objects.filter(
        assignment__in=run.ledger.assignment.values()
    ).values_list("assignment", "status"):
        replies[assignment].append(status)

    for proposal, confirmed in steps.items():
        if proposal not in statuses:
            problems["lost"].append(f"proposal {proposal}: not in the database")
            continue
        expected = {action for step in confirmed for action in TRANSITIONS[step]}
        for action in sorted(expected):
            count = logged[proposal][action]
            if count != 1:
                kind = "lost" if count == 0 else "doubled"
                problems[kind].append(f"proposal {proposal}: {count} '{action}' transitions")
        for action in sorted(set(logged[proposal]) - expected):
            problems["unconfirmed"].append(f"proposal {proposal}: '{action}' never confirmed")
        if statuses[proposal] != STATUS_AFTER[confirmed[-1]]:
            problems["state"].append(
                f"proposal {proposal}: {statuses[proposal]} after {confirmed[-1]}"
            )
        if "assign" in confirmed and held[proposal] != 1:
            problems["doubled"].append(f"proposal {proposal}: {held[proposal]} assignments")
        if "submit-reply" in confirmed:
            found = replies[run.ledger.assignment[proposal]]
            want = "approved" if "approve" in confirmed else "submitted"
            if found != [want]:
                problems["state"].append(f"proposal {proposal}: replies {found}, not [{want}]")
    # A proposal the office created that no client was told about.
    stray = Transition.objects.filter(action="create", by__username="office", at__gte=since)
    for proposal in stray.exclude(proposal__in=steps).values_list("proposal", flat=True):
        problems["unconfirmed"].append(f"proposal {proposal}: created, never confirmed")
    return problems


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def report(stats: Stats, seconds: float) -> int:
    """Print the table of requests; return the number of errors."""
    columns = f"{'request':<40}{'count':>7}{'ok':>7}{'409/412':>8}{'errors':>7}"
    rule = "-" * (len(columns) + 27)

    def row(name: str, latencies: list[float], outcomes: collections.Counter) -> None:
        times = [percentile(latencies, share) for share in (0.5, 0.95)] + [max(latencies)]
        print(
            f"{name:<40}{len(latencies):>7}{outcomes['ok']:>7}{outcomes['refused']:>8}"
            f"{outcomes['error']:>7}" + "".join(f"{t * 1000:>9.0f}" for t in times)
        )

    print(f"\n{columns}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}\n{rule}")
    kinds = sorted(stats.latencies, key=lambda kind: (kind.split()[0] != "GET", kind))
    during = [kind for kind in kinds if not kind.endswith("(before the run)")]
    total, everything = collections.Counter(), []
    for kind in during:
        row(kind, stats.latencies[kind], stats.outcomes[kind])
        total.update(stats.outcomes[kind])
        everything += stats.latencies[kind]
    print(rule)
    if everything:
        row("all requests of the run", everything, total)
    for kind in kinds:
        if kind not in during:
            row(kind, stats.latencies[kind], stats.outcomes[kind])
    print(f"\n{len(everything) / seconds:.1f} requests/s over {seconds:.1f} s")
    errors = sum(stats.errors.values())
    if errors:
        print(f"\nERRORS ({errors}):")
        for (kind, status, note), count in stats.errors.most_common(30):
            print(f"  {count:>5} × {kind} → {status}: {note}")
    return errors


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--double", type=float, default=0.1, help="share of steps sent twice at once"
    )
    parser.add_argument("--no-demo", action="store_true", help="skip the 2020 demo records")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("LOADTEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL allowed to create databases (env LOADTEST_POSTGRES)",
    )
    parser.add_argument(
        "--database", default="hcppcc_load", help="created and dropped: must start hcppcc_load"
    )
    args = parser.parse_args()
    if not re.fullmatch(r"hcppcc_load\w*", args.database):
        parser.error("--database is dropped and recreated: its name must start with hcppcc_load")
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    return args


def main() -> int:
    args = parse_arguments()
    database_url = urlsplit(args.postgres)._replace(path=f"/{args.database}").geturl()
    work = Path(tempfile.mkdtemp(prefix="hcppcc-load-"))
    server = None
    django_ready = False
    try:
        print(f"Preparing database {args.database}:")
        recreate_database(args.postgres, args.database, create=True)
        env = server_environment(database_url, work)
        prepare(env, demo=not args.no_demo)
        setup_django(env)
        django_ready = True
        from django.utils import timezone

        port = free_port()
        log = work / "gunicorn.log"
        server = start_server(env, port, args.workers, log)
        wait_until_ready(server, port, log)
        print(
            f"gunicorn hcppcc.wsgi on http://{HOST}:{port}, {args.workers} workers, DEBUG off "
            "(HTTPS redirect, secure cookies and HSTS off for loopback HTTP)"
        )
        profiles = [PROFILES[index % len(PROFILES)] for index in range(args.clients)]
        usernames = {USERNAMES.get(profile, profile) for profile in profiles}
        run = Run(
            port=port,
            deadline=0.0,
            double=args.double,
            tokens={name: api_token(port, name) for name in {*usernames, "office"}},
            ids=reference_ids(),
            today=timezone.localdate().isoformat(),
            member_client="member" in profiles,
        )
        readable_records(run)
        since = timezone.now()

        def start_clock() -> None:
            run.deadline = time.monotonic() + args.seconds

        ready = threading.Barrier(args.clients, action=start_clock)
        clients = [Client(run, index, profile) for index, profile in enumerate(profiles)]
        threads = [threading.Thread(target=c.loop, args=(ready,), daemon=True) for c in clients]
        mix = ", ".join(f"{n} {p}" for p, n in collections.Counter(profiles).items())
        print(f"{args.clients} clients ({mix}) for {args.seconds:.0f} s ...")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 2 * REQUEST_TIMEOUT + 60)
        if any(thread.is_alive() for thread in threads):
            run.stats.error("clients", "a client did not finish")
        elapsed = args.seconds + max(0.0, time.monotonic() - run.deadline)

        errors = report(run.stats, elapsed)
        if errors:
            print_server_log(log)
        problems = verify(run, since)
        confirmed = sum(len(steps) for steps in run.ledger.steps.values())
        closed = sum(steps[-1] == "feedback" for steps in run.ledger.steps.values())
        print(
            f"\nWrites confirmed by the server: {confirmed} on {len(run.ledger.steps)} "
            f"proposals ({closed} taken from creation to closed)."
        )
        for kind, found in problems.items():
            print(f"  {kind + ':':<13}{len(found)}")
            for line in found[:10]:
                print(f"      {line}")
        bad = sum(len(found) for found in problems.values())
        print("\nPASS: no errors, no lost writes." if not (errors or bad) else "\nFAIL")
        return 1 if errors or bad else 0
    finally:
        if server is not None:
            stop_server(server)
        if django_ready:
            from django.db import connections

            connections.close_all()
        recreate_database(args.postgres, args.database, create=False)
        shutil.rmtree(work, ignore_errors=True)
        print(f"gunicorn stopped, database {args.database} dropped.")


if __name__ == "__main__":
    sys.exit(main())
