"""The dashboard leads with what waits on the member: proposals to answer, hours to record or
confirm, and unread messages; each links to where it is done."""

from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from exchanges import actions
from tests.conversations.factories import exchange_between, send


def test_each_step_of_an_exchange_waits_on_the_right_side(
    alice: User, bob: User, community: Community, alice_client: Client, bob_client: Client
) -> None:
    exchange = exchange_between(alice, bob, community, title="Run chart coaching")

    page = bob_client.get(reverse("accounts:dashboard")).content.decode()
    assert "Waiting for you" in page
    assert "Answer the proposal “Run chart coaching”" in page
    assert "Run chart coaching" not in alice_client.get(reverse("accounts:dashboard")).content.decode()

    actions.do_accept(member=bob, exchange=exchange)
    for client in (alice_client, bob_client):
        assert "Record the hours of “Run chart coaching”" in client.get(reverse("accounts:dashboard")).content.decode()

    actions.do_record_hours(member=alice, exchange=exchange, minutes=60)
    assert "Confirm or dispute the hours of “Run chart coaching”" in (
        bob_client.get(reverse("accounts:dashboard")).content.decode()
    )
    assert "Run chart coaching" not in alice_client.get(reverse("accounts:dashboard")).content.decode()

    actions.do_confirm(member=bob, exchange=exchange)
    assert "Waiting for you" not in bob_client.get(reverse("accounts:dashboard")).content.decode()


def test_an_unread_message_asks_for_a_reply_until_it_is_read(alice: User, bob: User, bob_client: Client) -> None:
    message = send(alice, bob, "Could you look at my driver diagram?")
    page = bob_client.get(reverse("accounts:dashboard")).content.decode()
    assert "Reply to Alice Adams" in page
    assert message.conversation.get_absolute_url() in page

    bob_client.get(message.conversation.get_absolute_url())
    assert "Reply to Alice Adams" not in bob_client.get(reverse("accounts:dashboard")).content.decode()


def test_an_outsider_sees_nothing_of_other_peoples_exchanges(
    alice: User, bob: User, charlie: User, community: Community, charlie_client: Client
) -> None:
    exchange_between(alice, bob, community, title="Run chart coaching")
    send(alice, bob, "Hello")
    page = charlie_client.get(reverse("accounts:dashboard")).content.decode()
    assert "Waiting for you" not in page
    assert "Run chart coaching" not in page


def test_waiting_items_cost_the_same_queries_however_many(
    alice: User, bob: User, community: Community, bob_client: Client, django_assert_num_queries: object
) -> None:
    exchange_between(alice, bob, community, title="First")
    send(alice, bob, "Hello")
    bob_client.get(reverse("accounts:dashboard"))
    with django_assert_num_queries(23):  # type: ignore[operator]
        bob_client.get(reverse("accounts:dashboard"))
    for n in range(6):
        exchange_between(alice, bob, community, title=f"More {n}")
    with django_assert_num_queries(23):  # type: ignore[operator]
        response = bob_client.get(reverse("accounts:dashboard"))
    assert len(response.context["waiting"]) == 7
