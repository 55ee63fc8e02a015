"""The one rule for which database the development commands may write to.

seed_national and the benchmarks drop indexes and post transfers that can never be deleted (the
ledger is append-only), so they run only on a database whose name says it is for benches, or when
the operator says the database is disposable. seed_demo adds members with a published password
and a staff account, so it refuses a database that already has members who are not demo members.
"""

from pathlib import PurePath
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection

from accounts.models import User
from devtools.demo_data import DEMO_DOMAIN

DISPOSABLE_FLAG = "--i-know-this-database-is-disposable"
DISPOSABLE_OPTION = "i_know_this_database_is_disposable"
BENCH_WORD = "bench"


def add_disposable_argument(parser: CommandParser) -> None:
    parser.add_argument(
        DISPOSABLE_FLAG,
        action="store_true",
        dest=DISPOSABLE_OPTION,
        help="run even though the database's name does not say it is for benches or demos",
    )


def database_name(*, vendor: str, name: str) -> str:
    """The name that must say "bench": PostgreSQL's NAME, or the SQLite file's name without its folder."""
    return PurePath(name).name if vendor == "sqlite" else name


def is_bench_database(*, vendor: str, name: str) -> bool:
    return BENCH_WORD in database_name(vendor=vendor, name=name).lower()


def require_bench_database(*, options: dict[str, Any], command: str) -> None:
    """Refuse unless the database's name contains "bench" or the disposable flag was given."""
    vendor, name = connection.vendor, str(connection.settings_dict["NAME"] or "")
    if options.get(DISPOSABLE_OPTION) or is_bench_database(vendor=vendor, name=name):
        return
    shown = database_name(vendor=vendor, name=name)
    raise CommandError(
        f"{command} writes rows that can never be deleted and drops indexes while it loads, so it runs "
        f"only on a database kept for benches. This database is called {shown!r}: use one whose "
        f"name contains {BENCH_WORD!r} (e.g. hexitime_bench, or var/bench.sqlite3), or pass {DISPOSABLE_FLAG} "
        "if you mean to throw it away."
    )


def non_demo_members() -> int:
    return User.objects.exclude(email__iendswith=f"@{DEMO_DOMAIN}").count()


def require_demo_only_database(*, options: dict[str, Any]) -> None:
    """Refuse a database with members who are not demo members, unless the disposable flag was given."""
    if options.get(DISPOSABLE_OPTION):
        return
    others = non_demo_members()
    if others:
        raise CommandError(
            f"seed_demo adds members whose password is published and a staff account, and this database "
            f"already has {others} member(s) who are not demo members (@{DEMO_DOMAIN}). Load the demo into "
            f"a database of its own, or pass {DISPOSABLE_FLAG} if you mean to throw this one away."
        )
