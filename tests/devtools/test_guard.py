"""The bench commands write only to a database kept for benches (devtools.guard), and the development
tools are installed only for development."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from communities.models import Community, Membership
from devtools.guard import database_name, is_bench_database
from ledger.models import Account, Transfer
from listings.models import Listing

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"members": 30, "listings": 60, "communities": 4}


def rows() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (User, Community, Membership, Listing, Account, Transfer))


@pytest.mark.parametrize(
    ("vendor", "name", "bench"),
    [
        ("postgresql", "hexitime_bench", True),
        ("postgresql", "Ledger-BENCH", True),
        ("postgresql", "hexitime", False),
        ("postgresql", "test_hexitime_ci", False),
        ("sqlite", "/srv/app/var/bench.sqlite3", True),
        ("sqlite", "/srv/app/var/hexitime.sqlite3", False),
        ("sqlite", "/home/bench/hexitime.sqlite3", False),  # the folder's name does not count
        ("sqlite", ":memory:", False),
    ],
)
def test_only_a_name_that_says_bench_is_a_bench_database(vendor: str, name: str, bench: bool) -> None:
    assert is_bench_database(vendor=vendor, name=name) is bench


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["seed_national", "bench_search"])
def test_seeding_and_benches_refuse_a_database_not_named_for_benches(command: str, bob: User) -> None:
    before = rows()
    with pytest.raises(CommandError) as refused:
        call_command(command, **SMALL, stdout=StringIO())
    name = database_name(vendor=connection.vendor, name=str(connection.settings_dict["NAME"]))
    assert str(refused.value) == (
        f"{command} writes rows that can never be deleted and drops indexes while it loads, so it runs only "
        f"on a database kept for benches. This database is called {name!r}: use one whose name contains "
        "'bench' (e.g. hexitime_bench, or var/bench.sqlite3), or pass --i-know-this-database-is-disposable "
        "if you mean to throw it away."
    )
    assert rows() == before
    assert not Community.objects.filter(slug__startswith="bench-").exists()


@pytest.mark.django_db
def test_bench_ledger_refuses_a_database_not_named_for_benches(bob: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("bench_ledger refuses anything but PostgreSQL first (tests/devtools/test_bench_ledger.py)")
    before = rows()
    with pytest.raises(CommandError, match=r"^bench_ledger writes rows that can never be deleted"):
        call_command("bench_ledger", seconds=1, clients=2, accounts=20, stdout=StringIO())
    assert rows() == before


@pytest.mark.django_db
def test_seed_national_runs_on_a_database_named_for_benches(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "/srv/app/var/bench.sqlite3" if connection.vendor == "sqlite" else "hexitime_bench"
    monkeypatch.setitem(connection.settings_dict, "NAME", name)  # the open connection is unchanged
    out = StringIO()
    call_command("seed_national", **SMALL, stdout=out)
    assert "Seeded in" in out.getvalue()
    assert User.objects.filter(email__endswith="@bench.hexitime.test").count() == 30


def manage_help(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HEXITIME_TESTING", "DEVTOOLS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean |= {
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SITE_URL": "https://hexitime.example.org",
        "ALLOWED_HOSTS": "hexitime.example.org",
        "DJANGO_SETTINGS_MODULE": "hexitime.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "help", command],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", ["seed_demo", "seed_national", "bench_search", "bench_ledger"])
def test_production_settings_have_no_development_commands(command: str) -> None:
    result = manage_help(command)
    assert result.returncode != 0
    assert f"Unknown command: '{command}'" in result.stderr


def test_devtools_on_installs_them_under_production_settings() -> None:
    result = manage_help("seed_national", DEVTOOLS="1")
    assert result.returncode == 0, result.stderr
    assert "--i-know-this-database-is-disposable" in result.stdout
