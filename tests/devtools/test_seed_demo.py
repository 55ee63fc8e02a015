"""manage.py seed_demo: idempotent, prints the logins, and refuses a database with real members."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Profile, User
from communities.models import Community, Membership
from devtools import demo_data
from listings.models import Listing

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_logins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Community.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Community.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == len(demo_data.MEMBERS) + 1
    assert Community.objects.filter(kind="region").count() >= 4
    assert Community.objects.filter(kind="organisation").count() >= 8
    assert Profile.objects.values("role").distinct().count() >= 6
    printed = out.getvalue()
    assert demo_data.DEMO_PASSWORD in printed
    assert demo_data.demo_email("amara") in printed
    assert Client().login(email=demo_data.demo_email("amara"), password=demo_data.DEMO_PASSWORD)
    assert Membership.objects.filter(role="coordinator").count() >= 2
    assert Membership.objects.filter(status="pending").exists()


def test_seed_demo_refuses_a_database_with_members_who_are_not_demo_members(alice: User, bob: User) -> None:
    before = (User.objects.count(), Community.objects.count(), Membership.objects.count(), Listing.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())
    assert str(refused.value) == (
        "seed_demo adds members whose password is published and a staff account, and this database already "
        "has 2 member(s) who are not demo members (@demo.hexitime.test). Load the demo into a database of its "
        "own, or pass --i-know-this-database-is-disposable if you mean to throw this one away."
    )
    after = (User.objects.count(), Community.objects.count(), Membership.objects.count(), Listing.objects.count())
    assert after == before
    assert not User.objects.filter(email__endswith="@demo.hexitime.test").exists()


def test_seed_demo_loads_beside_other_members_when_told_the_database_is_disposable(bob: User) -> None:
    call_command("seed_demo", "--i-know-this-database-is-disposable", "--quiet-logins", stdout=StringIO())
    assert User.objects.filter(email__endswith="@demo.hexitime.test").count() == len(demo_data.MEMBERS) + 1
    assert User.objects.count() == len(demo_data.MEMBERS) + 2
