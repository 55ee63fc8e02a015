"""Coordinators see which members have unanswered proposals or stalled exchanges: how many and how
old, never what they are about. Everyone else finds no such page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from exchanges.actions import do_accept, do_propose
from exchanges.models import Exchange
from exchanges.stalled import stalled_members
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(slug: str = "riverside") -> str:
    return reverse("exchanges:stalled", kwargs={"slug": slug})


def exchange(proposer: User, provider: User, recipients: list[User], community: Community, **age: int) -> Exchange:
    """An exchange proposed `created` days ago and last changed `updated` days ago (accepted if asked)."""
    made = do_propose(
        proposer=proposer,
        provider=provider,
        recipients=recipients,
        community=community,
        title="Secret falls project",
        minutes=60,
        window="Tuesday",
        message="Confidential: ward 7 figures",
    )
    if age.get("accepted"):
        answerer = provider if proposer.pk != provider.pk else recipients[0]
        do_accept(member=answerer, exchange=made)
    now = timezone.now()
    Exchange.objects.filter(pk=made.pk).update(
        created_at=now - timedelta(days=age.get("created", 0)), updated_at=now - timedelta(days=age.get("updated", 0))
    )
    return made


def member(community: Community, name: str) -> User:
    user = UserFactory(profile__display_name=name)
    MembershipFactory(member=user, community=community)
    return user


def test_coordinator_sees_counts_and_ages_never_contents(
    alice_client: Client, alice: User, bob: User, community: Community
) -> None:
    dave = member(community, "Dave Davies")
    exchange(alice, alice, [bob], community, created=5, updated=5)  # waits on bob
    exchange(dave, dave, [bob], community, created=4, updated=4)  # waits on bob
    exchange(bob, bob, [dave], community, created=20, updated=14, accepted=1)  # agreed, then nothing
    exchange(alice, alice, [dave], community, created=2, updated=2)  # too young to count

    response = alice_client.get(url())
    assert response.status_code == 200
    content = response.content.decode()
    waits = {w.member.display_name: w for w in response.context["members"]}
    assert set(waits) == {"Bob Brown", "Dave Davies"}  # alice's proposals wait on others, and are young
    assert (waits["Bob Brown"].unanswered, waits["Bob Brown"].unanswered_days) == (2, 5)
    assert (waits["Bob Brown"].stalled, waits["Bob Brown"].stalled_days) == (1, 14)
    assert (waits["Dave Davies"].unanswered, waits["Dave Davies"].stalled) == (0, 1)
    assert "2 proposals unanswered, oldest 5 days" in content
    assert "1 exchange with no change for 14 days" in content
    assert "Secret falls project" not in content
    assert "Confidential" not in content
    # Longest waiting first (both 14 days, then by name).
    assert [w.member.display_name for w in response.context["members"]] == ["Bob Brown", "Dave Davies"]


def test_the_proposer_is_not_counted_as_unanswering(alice: User, bob: User, community: Community) -> None:
    exchange(bob, alice, [bob], community, created=8, updated=8)  # bob asked alice for help
    waits = {w.member: w for w in stalled_members(community, timezone.now())}
    assert (waits[alice].unanswered, waits[alice].stalled) == (1, 1)
    assert (waits[bob].unanswered, waits[bob].stalled) == (0, 1)


def test_only_members_of_the_community_are_listed(alice: User, charlie: User, community: Community) -> None:
    elsewhere = Community.objects.get(slug="elsewhere")
    outsider = member(elsewhere, "Olive Other")
    exchange(outsider, outsider, [charlie], elsewhere, created=10, updated=10)
    assert stalled_members(community, timezone.now()) == []


def test_closed_exchanges_are_not_stalled(alice: User, bob: User, community: Community) -> None:
    old = exchange(alice, alice, [bob], community, created=30, updated=30)
    Exchange.objects.filter(pk=old.pk).update(state=Exchange.State.CONFIRMED)
    assert stalled_members(community, timezone.now()) == []


def test_nothing_stuck_says_so(alice_client: Client) -> None:
    content = alice_client.get(url()).content.decode()
    assert "Nothing is stuck" in content


@pytest.mark.parametrize("persona", ["bob_client", "charlie_client"])
def test_others_are_refused_like_on_sibling_pages(
    persona: str, request: pytest.FixtureRequest, alice: User, bob: User
) -> None:
    client: Client = request.getfixturevalue(persona)
    exchange(alice, alice, [bob], Community.objects.get(slug="riverside"), created=5, updated=5)
    response = client.get(url())
    assert response.status_code == 403
    assert "Only the coordinators of" in response.content.decode()
    assert "proposal unanswered" not in response.content.decode()


def test_a_coordinator_elsewhere_is_refused(charlie: User, charlie_client: Client, community: Community) -> None:
    MembershipFactory(member=charlie, community=OrganisationFactory(slug="hillside"), role="coordinator")
    assert charlie_client.get(url()).status_code == 403


def test_visitors_must_log_in(community: Community) -> None:
    response = Client().get(url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_coordinator_area_links_to_it(alice_client: Client, bob_client: Client, community: Community) -> None:
    assert url() in alice_client.get(community.get_absolute_url()).content.decode()
    assert url() not in bob_client.get(community.get_absolute_url()).content.decode()


def test_the_query_takes_five_queries_whatever_the_size(
    alice: User, bob: User, community: Community, django_assert_num_queries
) -> None:
    exchange(alice, alice, [bob], community, created=5, updated=5)
    with django_assert_num_queries(5):
        assert len(stalled_members(community, timezone.now())) == 1
    for n in range(8):
        someone = member(community, f"Member {n}")
        exchange(someone, someone, [bob], community, created=9, updated=9)
        exchange(alice, alice, [someone], community, created=4, updated=4, accepted=n % 2)
    with django_assert_num_queries(5):
        assert len(stalled_members(community, timezone.now())) == 9  # bob and the eight


def test_the_page_query_count_does_not_grow(alice_client: Client, alice: User, bob: User, community: Community) -> None:
    exchange(alice, alice, [bob], community, created=5, updated=5)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url())
    for n in range(8):
        someone = member(community, f"Member {n}")
        exchange(someone, someone, [bob], community, created=9, updated=9)
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(url())
    assert len(response.context["members"]) == 9
    assert len(many) == len(few)
