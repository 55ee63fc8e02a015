"""Reads other code relies on: the header's unread count and the conversations waiting on a reply."""

import pytest
from django.db import connection

from accounts.models import User
from communities.models import Community
from conversations import queries
from conversations.queries import WaitingReply, messages_waiting_on, unread_conversation_count
from tests.conversations.factories import BlockFactory, backdate, days_ago, member_of, place, send
from tests.support.markers import sqlite_only

pytestmark = pytest.mark.django_db


def test_unread_count_is_one_query(alice: User, bob: User, community: Community, django_assert_num_queries) -> None:
    for n in range(3):
        send(member_of(community, f"Writer {n}"), bob, "Hello")
    with django_assert_num_queries(1):
        assert unread_conversation_count(bob) == 3


@sqlite_only
def test_unread_count_uses_the_partial_index(bob: User) -> None:
    sql, params = queries.Participant.objects.filter(queries.UNREAD, member=bob).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "participant_unread" in plan


def test_unread_counts_conversations_with_a_message_from_someone_else_since_last_read(
    alice: User, bob: User, community: Community
) -> None:
    dave = member_of(community, "Dave Davies")
    assert unread_conversation_count(bob) == 0
    conversation = send(bob, alice, "I write first").conversation
    assert unread_conversation_count(bob) == 0, "your own messages are not unread"
    assert unread_conversation_count(alice) == 1
    send(alice, bob, "Reply")
    assert (unread_conversation_count(alice), unread_conversation_count(bob)) == (0, 1)
    send(dave, bob, "Another")
    assert unread_conversation_count(bob) == 2
    from conversations.actions import do_mark_read

    do_mark_read(member=bob, conversation=conversation, up_to=conversation.messages.latest("pk").created_at)
    assert unread_conversation_count(bob) == 1
    # Reading never moves backwards.
    do_mark_read(member=bob, conversation=conversation, up_to=days_ago(10))
    assert unread_conversation_count(bob) == 1
    assert place(bob, conversation).last_read_at == conversation.messages.latest("pk").created_at


def test_messages_waiting_on_a_reply(alice: User, bob: User, community: Community) -> None:
    dave = member_of(community, "Dave Davies")
    waiting = send(alice, bob, "Can you help?")  # bob has not replied for 4 days
    backdate(waiting, days_ago(4))
    backdate(send(alice, dave, "And you?"), days_ago(5))
    answer = send(dave, alice, "Yes!")  # dave replied; now alice has not, for 4.5 days
    backdate(answer, days_ago(4.5))
    backdate(send(dave, bob, "Quick question"), days_ago(0.04))  # only an hour old

    assert messages_waiting_on(days_ago(3)) == [
        WaitingReply(member=alice, conversation=answer.conversation, message=answer),
        WaitingReply(member=bob, conversation=waiting.conversation, message=waiting),
    ]
    assert messages_waiting_on(days_ago(4.2)) == [
        WaitingReply(member=alice, conversation=answer.conversation, message=answer)
    ]


def test_messages_waiting_on_can_be_bounded_in_time(alice: User, bob: User) -> None:
    backdate(send(alice, bob, "Long ago"), days_ago(40))
    assert len(messages_waiting_on(days_ago(3))) == 1
    assert messages_waiting_on(days_ago(3), newer_than=days_ago(4)) == []


def test_messages_waiting_on_leaves_out_blocks_and_closed_accounts(
    alice: User, bob: User, community: Community
) -> None:
    dave = member_of(community, "Dave Davies")
    backdate(send(alice, bob, "Hello Bob"), days_ago(5))
    backdate(send(alice, dave, "Hello Dave"), days_ago(5))
    BlockFactory(blocker=bob, blocked=alice)
    User.objects.filter(pk=dave.pk).update(is_active=False)
    assert messages_waiting_on(days_ago(3)) == []


def test_messages_waiting_on_in_a_group_exchange_waits_on_each_other_person(
    alice: User, bob: User, community: Community
) -> None:
    from conversations.actions import do_send_about_exchange
    from exchanges.actions import do_propose

    dave = member_of(community, "Dave Davies")
    exchange = do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob, dave],
        community=community,
        title="Workshop",
        minutes=60,
        window="Friday",
    )
    backdate(do_send_about_exchange(sender=alice, exchange=exchange, body="Room 4"), days_ago(4))
    assert {r.member.pk for r in messages_waiting_on(days_ago(3))} == {bob.pk, dave.pk}


def test_messages_waiting_on_is_one_query(alice: User, community: Community, django_assert_num_queries) -> None:
    for n in range(4):
        backdate(send(alice, member_of(community, f"Reader {n}"), "Hello"), days_ago(5))
    with django_assert_num_queries(1):
        result = messages_waiting_on(days_ago(3))
        names = [(r.member.display_name, r.message.author.display_name) for r in result]
    assert len(names) == 4
