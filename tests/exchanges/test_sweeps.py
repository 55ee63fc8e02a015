"""The exchanges' sweep is one function: cron's `confirm_due_exchanges` and the scheduler's task call it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from communities.models import Community
from exchanges.models import Exchange
from ledger.models import Transfer
from tests.exchanges.test_life_cycle import act, propose_from
from tests.factories import ListingFactory
from tests.support.ledger import balance
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_listing(bob: User, community: Community):
    return ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")


def recorded_past_its_deadline(alice_client: Client, bob_client: Client, listing_id: int) -> Exchange:
    exchange = propose_from(alice_client, listing_id)
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="1")
    DBTaskResult.objects.all().delete()  # the exchange's own jobs: the sweep must do without them
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    return exchange


def test_the_scheduled_sweep_runs_in_the_worker_and_confirms_once(
    alice: User, alice_client: Client, bob: User, bob_client: Client, request_listing
) -> None:
    exchange = recorded_past_its_deadline(alice_client, bob_client, request_listing.pk)
    call_command("run_schedule", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path="exchanges.tasks.sweep_auto_confirm").count() == 1
    assert not DBTaskResult.objects.filter(task_path__contains="call_command").exists()
    run_due_tasks()
    exchange.refresh_from_db()
    assert exchange.state == Exchange.State.CONFIRMED
    assert (balance(alice), balance(bob)) == (60, -60)
    sweep = DBTaskResult.objects.get(task_path="exchanges.tasks.sweep_auto_confirm")
    assert sweep.return_value == "Reminders sent: 1. Exchanges confirmed automatically: 1."
    out = StringIO()
    call_command("confirm_due_exchanges", stdout=out)  # cron's sweep after the scheduler's changes nothing
    assert out.getvalue().strip() == "Reminders sent: 0. Exchanges confirmed automatically: 0."
    assert Transfer.objects.count() == 1
