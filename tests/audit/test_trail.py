"""The audit trail: rows written with the change they describe, never changed or deleted, shown
read-only in the admin; the admin changes domain data only where each save leaves a row."""

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit import trail
from audit.models import AuditEvent
from communities.models import Community, Membership
from conversations import actions as conversation_actions
from conversations.errors import InvalidBlock
from conversations.models import Block, Message
from tests.factories import UserFactory
from tests.support.clients import admin_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff: User) -> Client:
    return admin_client_for(staff)


def test_a_block_from_its_page_leaves_a_row_naming_who_did_it(bob_client: Client, bob: User, alice: User) -> None:
    bob_client.post(reverse("conversations:block", args=[alice.pk]))
    block = Block.objects.get(blocker=bob, blocked=alice)
    event = AuditEvent.objects.get()
    assert (event.actor, event.verb, event.target_type, event.target_id) == (
        bob,
        "conversations.block",
        "conversations.block",
        block.pk,
    )
    assert event.data == {"blocked": alice.pk}


def test_a_refused_action_leaves_no_row(bob: User) -> None:
    with pytest.raises(InvalidBlock):
        conversation_actions.do_block(blocker=bob, blocked=bob)
    assert not AuditEvent.objects.exists()
    assert not Block.objects.exists()


def test_a_community_edit_records_what_changed(alice: User, community: Community) -> None:
    from communities.actions import do_update_community

    do_update_community(coordinator=alice, community=community, description=community.description, join_policy="open")
    event = AuditEvent.objects.get()
    assert (event.actor, event.verb, event.community) == (alice, "communities.update", community)
    assert event.data == {"changed": {"join_policy": ["approval", "open"]}}


# serialized_rollback: a transactional test's flush would otherwise re-create the content types with
# new ids, and the browser tests (which restore the serialised database) then clash with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_refuses_to_write_outside_a_transaction(bob: User) -> None:
    with pytest.raises(trail.NotInTransaction):
        trail.record(actor=bob, verb="tests.nothing")
    assert not AuditEvent.objects.exists()


def test_rows_are_never_changed_or_deleted(bob: User) -> None:
    event = trail.record(actor=bob, verb="tests.something", target=bob, note="first")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="tests.other")  # the database trigger refuses
    event.refresh_from_db()
    assert (event.verb, event.data) == ("tests.something", {"note": "first"})


def test_staff_read_the_trail_with_filters_and_cannot_change_it(staff_client: Client, bob: User) -> None:
    with transaction.atomic():
        event = trail.record(actor=bob, verb="listings.pause", target=bob)
        trail.record(actor=bob, verb="exchanges.accepted", target=bob)
    changelist = reverse("admin:audit_auditevent_changelist")
    page = staff_client.get(changelist, {"verb": "listings.pause"})
    assert page.status_code == 200
    assert "listings.pause" in page.content.decode()
    assert "exchanges.accepted" not in page.content.decode().split("result_list")[1]
    assert staff_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert staff_client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    staff_client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"verb": "tests.changed"})
    event.refresh_from_db()
    assert event.verb == "listings.pause"


def test_staff_cannot_delete_messages_blocks_or_memberships(
    staff_client: Client, alice: User, bob: User, charlie: User
) -> None:
    message = conversation_actions.do_send_direct(sender=bob, recipient=alice, body="Hello")
    block = conversation_actions.do_block(blocker=bob, blocked=charlie)
    membership = Membership.objects.get(member=bob)
    rows = AuditEvent.objects.count()
    for url in (
        reverse("admin:conversations_message_delete", args=[message.pk]),
        reverse("admin:conversations_block_delete", args=[block.pk]),
        reverse("admin:communities_membership_delete", args=[membership.pk]),
    ):
        assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Message.objects.filter(pk=message.pk).exists()
    assert Block.objects.filter(pk=block.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.count() == rows


def test_a_membership_changed_in_the_admin_leaves_a_row(
    staff_client: Client, staff: User, bob: User, community: Community
) -> None:
    membership = Membership.objects.get(member=bob)
    response = staff_client.post(
        reverse("admin:communities_membership_change", args=[membership.pk]),
        {"member": bob.pk, "community": community.pk, "role": "coordinator", "status": membership.status},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.get()
    assert (event.actor, event.verb, event.target_id, event.community) == (
        staff,
        "communities.admin_change",
        membership.pk,
        community,
    )
    assert event.data == {"model": "membership", "changes": {"role": "coordinator"}}
