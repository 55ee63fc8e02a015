"""manage.py bench_ledger: a short run on PostgreSQL ends with its summary line and a verified ledger."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import Transfer

SUMMARY = re.compile(
    r"project_uniform_tps=\d+ project_hot_tps=\d+ uniform_ratio=\d+\.\d{2} hot_ratio=\d+\.\d{2} verify=ok"
)


@pytest.mark.django_db(transaction=True)  # the clients need real connections to the test database
def test_a_short_run_prints_the_summary_and_the_ledger_verifies() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("bench_ledger measures PostgreSQL (parallel connections); the suite is on SQLite")
    out = StringIO()
    call_command("bench_ledger", seconds=1, clients=2, accounts=20, stdout=out, i_know_this_database_is_disposable=True)
    lines = out.getvalue().strip().splitlines()
    assert SUMMARY.fullmatch(lines[-1]), lines[-1]
    assert sum("transfers/s" in line for line in lines) == 4
    keys = Transfer.objects.values_list("idempotency_key", flat=True)
    assert any("-baseline" in key for key in keys)
    assert any("-project" in key for key in keys)


@pytest.mark.django_db
def test_it_refuses_anything_but_postgresql() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite and other databases")
    with pytest.raises(CommandError, match="measures PostgreSQL"):
        call_command("bench_ledger", seconds=1, clients=2, accounts=20, stdout=StringIO())
