"""Blocking and unblocking a member; reporting a message and dealing with the report."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from conversations.models import Block, Message, MessageReport
from notifications.kinds import Kind
from notifications.models import Notification
from tests.conversations.factories import BlockFactory, counts, member_of, send
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


def block_url(member: User) -> str:
    return reverse("conversations:block", kwargs={"member_id": member.pk})


def unblock_url(member: User) -> str:
    return reverse("conversations:unblock", kwargs={"member_id": member.pk})


# Blocking


def test_block_from_the_profile_then_unblock(alice: User, bob: User, alice_client: Client) -> None:
    profile = alice_client.get(reverse("accounts:profile", kwargs={"member_id": bob.pk})).content.decode()
    assert f'href="{block_url(bob)}">Block this member</a>' in profile
    page = alice_client.get(block_url(bob)).content.decode()
    assert "Block Bob Brown" in page
    assert Block.objects.count() == 0, "nothing is blocked on GET"

    response = alice_client.post(block_url(bob), follow=True)
    assert (
        "You have blocked Bob Brown. They can&#x27;t send you messages. They are not told now; "
        "if they try to write to you, they&#x27;ll see that they can&#x27;t."
    ) in response.content.decode()
    assert "They have not been told" not in response.content.decode()
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    profile = alice_client.get(reverse("accounts:profile", kwargs={"member_id": bob.pk})).content.decode()
    assert "Unblock this member" in profile

    alice_client.post(block_url(bob))  # twice is harmless
    assert Block.objects.count() == 1

    response = alice_client.post(unblock_url(bob), follow=True)
    assert "You have unblocked Bob Brown." in response.content.decode()
    assert Block.objects.count() == 0


def test_block_from_a_thread(alice: User, bob: User, alice_client: Client) -> None:
    conversation = send(bob, alice, "Hello").conversation
    page = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert f'<a href="{block_url(bob)}">Block Bob Brown</a>' in page
    alice_client.post(block_url(bob))
    page = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert f'<a href="{block_url(bob)}">Unblock Bob Brown</a>' in page


def test_after_unblocking_messages_flow_again(alice: User, bob: User, alice_client: Client, bob_client: Client) -> None:
    conversation = send(bob, alice, "Hello").conversation
    alice_client.post(block_url(bob))
    bob_client.post(reverse("conversations:send", kwargs={"conversation_id": conversation.pk}), {"body": "Hi?"})
    assert conversation.messages.count() == 1
    alice_client.post(unblock_url(bob))
    bob_client.post(reverse("conversations:send", kwargs={"conversation_id": conversation.pk}), {"body": "Hi!"})
    assert conversation.messages.count() == 2


def test_blocking_yourself_is_refused(alice: User, alice_client: Client) -> None:
    before = counts()
    response = alice_client.post(block_url(alice), follow=True)
    assert response.status_code == 200
    assert "You can&#x27;t block yourself." in response.content.decode()
    assert counts() == before


def test_the_blocked_member_can_still_write_to_others(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    BlockFactory(blocker=alice, blocked=bob)
    dave = member_of(community, "Dave Davies")
    response = bob_client.post(reverse("conversations:start") + f"?member={dave.pk}", {"body": "Hi Dave"})
    assert response.status_code == 302
    assert MessageReport.objects.count() == 0
    assert list(Message.objects.values_list("author_id", "body")) == [(bob.pk, "Hi Dave")]


# Reporting


def report_url(message) -> str:
    return reverse(
        "conversations:report", kwargs={"conversation_id": message.conversation_id, "message_id": message.pk}
    )


def test_a_participant_reports_a_message_once(alice: User, bob: User, alice_client: Client) -> None:
    message = send(bob, alice, "Something unkind")
    thread = alice_client.get(message.conversation.get_absolute_url()).content.decode()
    assert f'href="{report_url(message)}">Report' in thread
    page = alice_client.get(report_url(message)).content.decode()
    assert "Something unkind" in page

    response = alice_client.post(report_url(message), {"reason": "  It upset me.  "}, follow=True)
    assert "Thank you. The coordinators will look at this message." in response.content.decode()
    report = MessageReport.objects.get()
    assert (report.message, report.reporter, report.reason, report.resolved_at) == (
        message,
        alice,
        "It upset me.",
        None,
    )

    before = counts()
    response = alice_client.post(report_url(message), {"reason": "Again"})
    assert response.status_code == 200
    assert "You have already reported this message. The coordinators will look at it." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Say what is wrong with this message, for the coordinators."),
        ("   ", "Say what is wrong with this message, for the coordinators."),
        ("x" * 1001, "A reason can be at most 1000 characters; this one has 1001."),
    ],
)
def test_a_report_needs_a_reason_of_at_most_1000_characters(
    alice: User, bob: User, alice_client: Client, reason: str, error: str
) -> None:
    message = send(bob, alice, "Hmm")
    before = counts()
    response = alice_client.post(report_url(message), {"reason": reason})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert counts() == before


def test_you_cannot_report_your_own_message(alice: User, bob: User, bob_client: Client) -> None:
    message = send(bob, alice, "Mine")
    before = counts()
    response = bob_client.post(report_url(message), {"reason": "Oops"}, follow=True)
    assert "You can&#x27;t report your own message." in response.content.decode()
    assert (
        f'href="{report_url(message)}"' not in bob_client.get(message.conversation.get_absolute_url()).content.decode()
    )
    assert counts() == before


def test_coordinators_of_a_shared_community_deal_with_reports(
    alice: User, alice_client: Client, community: Community
) -> None:
    erin = member_of(community, "Erin Evans")
    frank = member_of(community, "Frank Foster")
    message = send(frank, erin, "Rude words")
    client_for(erin).post(report_url(message), {"reason": "Rude"})
    report = MessageReport.objects.get()

    page = alice_client.get(reverse("conversations:reports")).content.decode()
    assert "Erin Evans reported a message from Frank Foster" in page
    assert "Rude words" in page
    assert f'name="report-{report.pk}-note"' in page
    assert "@example.org" not in page

    url = reverse("conversations:resolve_report", kwargs={"report_id": report.pk})
    response = alice_client.post(url, {f"report-{report.pk}-note": ""}, follow=True)
    assert "Say what you did about this report." in response.content.decode()
    report.refresh_from_db()
    assert report.resolved_at is None

    response = alice_client.post(url, {f"report-{report.pk}-note": "Spoke to Frank."}, follow=True)
    assert "The report is marked as dealt with." in response.content.decode()
    report.refresh_from_db()
    assert (report.resolved_by, report.resolution_note) == (alice, "Spoke to Frank.")
    assert report.resolved_at is not None
    assert "Rude words" not in alice_client.get(reverse("conversations:reports")).content.decode()
    # Dealt with reports are no longer open to anyone's page; resolving again is a 404 neither.
    response = alice_client.post(url, {f"report-{report.pk}-note": "Again"}, follow=True)
    assert "This report was already dealt with." in response.content.decode()


def test_reports_go_to_communities_shared_by_the_reporter_and_the_author(alice: User, community: Community) -> None:
    """A coordinator of a community only the reporter belongs to does not see the report."""
    elsewhere = OrganisationFactory()
    erin = member_of(community, "Erin Evans")
    MembershipFactory(member=erin, community=elsewhere)
    other_coordinator = UserFactory()
    MembershipFactory(member=other_coordinator, community=elsewhere, role=Membership.Role.COORDINATOR)
    frank = member_of(community, "Frank Foster")
    client_for(erin).post(report_url(send(frank, erin, "Rude words")), {"reason": "Rude"})
    assert "Rude words" not in client_for(other_coordinator).get(reverse("conversations:reports")).content.decode()
    assert "Rude words" in client_for(alice).get(reverse("conversations:reports")).content.decode()


def test_a_coordinator_does_not_see_reports_on_their_own_messages(alice: User, bob: User) -> None:
    message = send(alice, bob, "Coordinator's message")
    client_for(bob).post(report_url(message), {"reason": "Rude"})
    assert "Coordinator&#x27;s message" not in client_for(alice).get(reverse("conversations:reports")).content.decode()


def test_a_report_tells_the_coordinators_who_deal_with_it_and_nobody_else(
    alice: User, bob: User, charlie: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    """Alice coordinates the community Bob and Dana share: she is told (in the app and by e-mail),
    without the message's words; Dana, who wrote it, and Charlie, an outsider, are not."""
    dana = member_of(community, "Dana Doe")
    message = send(dana, bob, "Something unkind and private")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post(report_url(message), {"reason": "It upset me."})
    run_due_tasks()
    [note] = Notification.objects.filter(kind=Kind.MESSAGE_REPORTED)
    assert (note.recipient, note.url) == (alice, reverse("conversations:reports"))
    assert "Bob Brown" in note.title
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "Something unkind" not in email.body


def test_a_coordinator_is_not_told_of_a_report_on_their_own_message(
    alice: User, bob: User, bob_client: Client, django_capture_on_commit_callbacks
) -> None:
    message = send(alice, bob, "From the coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        bob_client.post(report_url(message), {"reason": "Not kind."})
    assert MessageReport.objects.count() == 1
    assert not Notification.objects.filter(kind=Kind.MESSAGE_REPORTED).exists()
