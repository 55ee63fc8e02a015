"""Measure posting throughput on PostgreSQL: post_transfer() against a raw-SQL baseline.

The same workload runs through two implementations, each with --clients threads that own one
database connection apiece and post transfers as fast as they can for --seconds:

- the baseline: psycopg 3 directly, no ORM: BEGIN; lock both accounts in id order
  (SELECT ... FOR NO KEY UPDATE ... ORDER BY id); check the debit's limit; INSERT the transfer;
  UPDATE both balances; COMMIT, with psycopg's defaults (server-side binding, statements
  prepared after five runs). Its rows keep every ledger rule (balances after, the debit limit
  as account_limit() computes it, the fingerprint, a unique idempotency key), so verify()
  passes over them too;
- the project: ``ledger.posting.post_transfer``, the only way credits move in Hexitime.

Each run is measured in two halves, in the order baseline, project, project, baseline, so that a
change in the machine's load during the measurement weighs on both alike.

Two workloads: "uniform" moves credits between two member accounts drawn at random from
--accounts bench members; "hot" moves credits from a random member into one community fund,
the single hot account that limits PostgreSQL (DESIGN.md §3).

The command creates its bench community, members and accounts (with a generous overdraft, so
transfers are almost never refused) in the database it is pointed at, and reuses them on a
later run. It prints transfers per second for the four runs and the ratio project/baseline per
workload, verifies the whole ledger, and ends with one line:
``project_uniform_tps=<n> project_hot_tps=<n> uniform_ratio=<x> hot_ratio=<y> verify=ok``
(``verify=fail`` and a non-zero exit when a rule is broken).
"""

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction
from psycopg.conninfo import make_conninfo

from accounts.models import Profile, User
from communities.models import Community, Membership
from devtools.guard import add_disposable_argument, require_bench_database
from ledger import errors
from ledger.accounts import fund_of
from ledger.limits import account_limit
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import TransferRequest, post_transfer
from ledger.verification import verify

BENCH_SLUG = "ledger-bench"
EMAIL_DOMAIN = "ledger-bench.hexitime.test"
OVERDRAFT = 10_000_000  # minutes: generous, so the random walk of a balance never reaches it
KIND = Transfer.Kind.DONATION
MIN_AMOUNT, MAX_AMOUNT = 1, 120  # minutes
# Django's own OPTIONS for the PostgreSQL backend; everything else in OPTIONS is a libpq parameter.
DJANGO_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role", "prepare_threshold", "context"}

LOCK = "SELECT id, balance FROM ledger_account WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE"
INSERT = (
    "INSERT INTO ledger_transfer (debit_id, credit_id, amount, kind, caused_by_id, reason, reference,"
    " idempotency_key, fingerprint, reverses_id, debit_balance_after, credit_balance_after, debit_limit,"
    " created_at) VALUES (%s, %s, %s, %s, NULL, '', '', %s, %s, NULL, %s, %s, %s, now())"
)
DEBIT = "UPDATE ledger_account SET balance = balance - %s WHERE id = %s"
CREDIT = "UPDATE ledger_account SET balance = balance + %s WHERE id = %s"

Pick = Callable[[random.Random], tuple[int, int]]


@dataclass
class Run:
    workload: str
    implementation: str
    posted: int
    refused: int
    seconds: float

    @property
    def tps(self) -> float:
        return self.posted / self.seconds if self.seconds else 0.0

    def add(self, other: "Run") -> None:
        self.posted += other.posted
        self.refused += other.refused
        self.seconds += other.seconds


@dataclass
class Round:
    """One run in progress: what its clients share."""

    prefix: str  # of the idempotency keys, unique to this run
    pick: Pick
    seconds: float
    barrier: threading.Barrier = field(init=False)
    started: float = 0.0
    deadline: float = 0.0
    results: list[tuple[int, int, float]] = field(default_factory=list)  # posted, refused, finished at

    def go(self) -> None:
        """Called once, by the last client to reach the barrier: the clock starts."""
        self.started = time.perf_counter()
        self.deadline = self.started + self.seconds


Worker = Callable[[int, Round], None]


class Refused(Exception):
    """The baseline's limit check said no; the transaction rolls back."""


class Command(BaseCommand):
    help = "Transfers per second of post_transfer() against a raw-SQL baseline, on PostgreSQL; then verify the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=10.0, help="length of each of the four runs (default 10)")
        parser.add_argument("--clients", type=int, default=8, help="concurrent clients, one connection each (8)")
        parser.add_argument("--accounts", type=int, default=1000, help="bench member accounts (default 1000)")
        add_disposable_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_ledger measures PostgreSQL: set DATABASE_URL to a postgres:// URL "
                f"(the database now is {connection.vendor})."
            )
        require_bench_database(options=options, command="bench_ledger")
        seconds, clients, n_accounts = options["seconds"], options["clients"], options["accounts"]
        if seconds <= 0 or clients < 1 or n_accounts < 2:
            raise CommandError("--seconds must be above 0, --clients at least 1 and --accounts at least 2.")

        members, fund, limits = self._bench_accounts(n_accounts)
        self.conninfo = _conninfo()
        self.limits = limits
        self.accounts = {a.pk: a for a in [*members, fund]}
        self.run_id = uuid.uuid4().hex[:12]
        member_ids = [a.pk for a in members]

        def uniform(rng: random.Random) -> tuple[int, int]:
            debit, credit = rng.sample(member_ids, 2)
            return debit, credit

        def hot(rng: random.Random) -> tuple[int, int]:
            return rng.choice(member_ids), fund.pk

        self.stdout.write(
            f"Ledger benchmark on PostgreSQL database {settings.DATABASES['default']['NAME']}: "
            f"{clients} clients, {n_accounts} member accounts and one fund, {seconds:g} s per run"
        )
        tps: dict[tuple[str, str], float] = {}
        workers = {"baseline": self._raw_worker, "project": self._project_worker}
        for workload, pick in (("uniform", uniform), ("hot", hot)):
            runs = {name: Run(workload, name, posted=0, refused=0, seconds=0.0) for name in workers}
            # Two halves each, baseline, project, project, baseline: a drift in load weighs on both.
            for half, name in enumerate(("baseline", "project", "project", "baseline")):
                run = self._run(workload, f"{name}{half}", workers[name], pick, clients, seconds / 2)
                runs[name].add(run)
            for name, run in runs.items():
                tps[workload, name] = run.tps
                self.stdout.write(
                    f"  {workload:<8} {_LABELS[name]:<28} {run.tps:8.0f} transfers/s "
                    f"({run.posted} posted, {run.refused} refused in {run.seconds:.1f} s)"
                )
        ratios = {w: tps[w, "project"] / tps[w, "baseline"] if tps[w, "baseline"] else 0.0 for w in ("uniform", "hot")}
        for workload, ratio in ratios.items():
            self.stdout.write(f"  {workload:<8} ratio project/baseline {ratio:.2f}")

        report = verify()
        for violation in report.violations:
            self.stderr.write(f"VIOLATION: {violation}")
        self.stdout.write(
            f"verify_ledger: {'ok' if report.ok else 'FAILED'} "
            f"({report.accounts} accounts, {report.transfers} transfers)"
        )
        self.stdout.write(
            f"project_uniform_tps={tps['uniform', 'project']:.0f} project_hot_tps={tps['hot', 'project']:.0f} "
            f"uniform_ratio={ratios['uniform']:.2f} hot_ratio={ratios['hot']:.2f} "
            f"verify={'ok' if report.ok else 'fail'}"
        )
        if not report.ok:
            raise CommandError(f"{len(report.violations)} ledger rule violations after the benchmark.")

    # Set-up -------------------------------------------------------------------------------------

    def _bench_accounts(self, n: int) -> tuple[list[Account], Account, dict[int, int]]:
        """The bench community, its policy, n members with accounts and the fund (created when missing)."""
        with transaction.atomic():
            community, _ = Community.objects.get_or_create(
                slug=BENCH_SLUG,
                defaults={
                    "name": "Ledger bench",
                    "kind": Community.Kind.NATION,
                    "join_policy": Community.JoinPolicy.OPEN,
                    "description": "Members and accounts made by manage.py bench_ledger.",
                },
            )
            LimitPolicy.objects.update_or_create(
                community=community,
                defaults={"member_overdraft": OVERDRAFT, "growth_cap": OVERDRAFT, "grows_with_given": False},
            )
            emails = [f"member-{i:05d}@{EMAIL_DOMAIN}" for i in range(1, n + 1)]
            existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
            password = make_password(None)  # unusable: bench members never sign in
            User.objects.bulk_create([User(email=e, password=password) for e in emails if e not in existing])
            users = list(User.objects.filter(email__in=emails).order_by("email"))
            Profile.objects.bulk_create(
                [Profile(user=u, display_name=f"Bench member {u.email.split('@')[0]}") for u in users],
                ignore_conflicts=True,
            )
            Membership.objects.bulk_create(
                [Membership(member=u, community=community, status=Membership.Status.ACTIVE) for u in users],
                ignore_conflicts=True,
            )
            Account.objects.bulk_create([Account(member=u) for u in users], ignore_conflicts=True)
            members = list(Account.objects.filter(member__in=users).order_by("pk"))
        fund = fund_of(community)
        # The baseline records the same debit limit the project would; compute it once, up front.
        limits = {account.pk: account_limit(account) for account in [*members, fund]}
        return members, fund, limits

    # Runs ---------------------------------------------------------------------------------------

    def _run(self, workload: str, label: str, worker: Worker, pick: Pick, clients: int, seconds: float) -> Run:
        """Start `clients` threads together; each posts until `seconds` after the common start."""
        run = Round(prefix=f"bench-{self.run_id}-{workload}-{label}", pick=pick, seconds=seconds)
        run.barrier = threading.Barrier(clients, action=run.go)
        failures: list[BaseException] = []

        def guarded(client: int) -> None:
            try:
                worker(client, run)
            except BaseException as error:
                failures.append(error)
                run.barrier.abort()

        threads = [threading.Thread(target=guarded, args=(client,)) for client in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise CommandError(f"{workload} {label}: a client failed: {failures[0]!r}") from failures[0]
        return Run(
            workload,
            label,
            posted=sum(posted for posted, _refused, _end in run.results),
            refused=sum(refused for _posted, refused, _end in run.results),
            seconds=max(end for _posted, _refused, end in run.results) - run.started,
        )

    def _project_worker(self, client: int, run: Round) -> None:
        rng = random.Random(f"{run.prefix}-{client}")  # noqa: S311 (a workload, not a secret)
        posted = refused = n = 0
        try:
            connection.ensure_connection()
            run.barrier.wait()
            while time.perf_counter() < run.deadline:
                debit, credit = run.pick(rng)
                n += 1
                try:
                    post_transfer(
                        debit=self.accounts[debit],
                        credit=self.accounts[credit],
                        amount=rng.randint(MIN_AMOUNT, MAX_AMOUNT),
                        kind=KIND,
                        idempotency_key=f"{run.prefix}-{client}-{n}",
                    )
                    posted += 1
                except errors.LimitExceeded:
                    refused += 1
            run.results.append((posted, refused, time.perf_counter()))
        finally:
            connections.close_all()

    def _raw_worker(self, client: int, run: Round) -> None:
        rng = random.Random(f"{run.prefix}-{client}")  # noqa: S311 (a workload, not a secret)
        posted = refused = n = 0
        with psycopg.connect(self.conninfo) as conn:
            run.barrier.wait()
            while time.perf_counter() < run.deadline:
                debit, credit = run.pick(rng)
                n += 1
                amount = rng.randint(MIN_AMOUNT, MAX_AMOUNT)
                try:
                    self._raw_transfer(conn, debit, credit, amount, f"{run.prefix}-{client}-{n}")
                    posted += 1
                except Refused:
                    refused += 1
            run.results.append((posted, refused, time.perf_counter()))

    def _raw_transfer(self, conn: psycopg.Connection[Any], debit: int, credit: int, amount: int, key: str) -> None:
        """One transfer in one transaction, psycopg only. Locks in id order, so it cannot deadlock."""
        limit = self.limits[debit]
        fingerprint = TransferRequest(debit_id=debit, credit_id=credit, amount=amount, kind=KIND).fingerprint()
        with conn.transaction():
            balances = dict(conn.execute(LOCK, [[debit, credit]]).fetchall())
            debit_after, credit_after = balances[debit] - amount, balances[credit] + amount
            if debit_after < -limit:
                raise Refused
            conn.execute(INSERT, [debit, credit, amount, KIND, key, fingerprint, debit_after, credit_after, limit])
            conn.execute(DEBIT, [amount, debit])
            conn.execute(CREDIT, [amount, credit])


_LABELS = {"baseline": "raw SQL baseline (psycopg)", "project": "post_transfer (project)"}


def _conninfo() -> str:
    """A libpq connection string for Django's default database (the test database under pytest)."""
    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if k not in DJANGO_OPTIONS}
    return make_conninfo(**{k: str(v) for k, v in {**params, **options}.items() if v not in (None, "")})
