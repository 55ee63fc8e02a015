"""Writing to members through the HTTP client: starting, replying, reading, htmx, and every refusal."""

import re
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from conversations import queries
from conversations.models import Conversation, Message, Participant
from conversations.queries import unread_conversation_count
from notifications.kinds import Kind
from notifications.models import Notification
from tests.conversations.factories import BlockFactory, counts, exchange_between, member_of, place, send
from tests.factories import ListingFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def start_url(**query: object) -> str:
    return reverse("conversations:start") + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def thread_url(conversation: Conversation) -> str:
    return reverse("conversations:thread", kwargs={"conversation_id": conversation.pk})


def send_url(conversation: Conversation) -> str:
    return reverse("conversations:send", kwargs={"conversation_id": conversation.pk})


def poll_url(conversation: Conversation, after: int) -> str:
    return reverse("conversations:poll", kwargs={"conversation_id": conversation.pk}) + f"?after={after}"


def header_count(client: Client) -> str | None:
    """The unread count the header shows next to "Messages", or None when it shows none."""
    content = client.get(reverse("home")).content.decode()
    match = re.search(
        r'href="/messages/"[^>]*>Messages<span id="hx-unread-messages">'
        r'(?: <span class="hx-count">(\d+)<span class="nhsuk-u-visually-hidden"> unread)?',
        content,
    )
    assert match, "the header has no Messages link"
    return match.group(1)


# Starting a conversation


def test_start_from_a_profile_sends_the_first_message_and_opens_the_thread(
    alice: User, bob: User, alice_client: Client
) -> None:
    page = alice_client.get(start_url(member=bob.pk))
    assert page.status_code == 200
    assert "Send a message to Bob Brown" in page.content.decode()
    assert counts()["conversations"] == 0, "nothing is created on GET"

    response = alice_client.post(start_url(member=bob.pk), {"body": "  Could you help with a run chart?  "})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert conversation.kind == Conversation.Kind.DIRECT
    assert set(conversation.participants.values_list("member_id", flat=True)) == {alice.pk, bob.pk}
    message = Message.objects.get()
    assert (message.author, message.body, message.listing) == (alice, "Could you help with a run chart?", None)


def test_a_pair_has_one_conversation_whoever_starts_it(alice: User, bob: User, bob_client: Client) -> None:
    first = send(alice, bob, "Hello Bob")
    response = bob_client.get(start_url(member=alice.pk))
    assert response.status_code == 302
    assert response["Location"] == first.conversation.get_absolute_url()
    bob_client.post(start_url(member=alice.pk), {"body": "Hello Alice"})
    assert Conversation.objects.count() == 1
    assert list(first.conversation.messages.values_list("body", flat=True)) == ["Hello Bob", "Hello Alice"]


def test_the_database_keeps_one_conversation_per_pair(alice: User, bob: User) -> None:
    from django.db import IntegrityError, transaction

    send(alice, bob)
    low, high = sorted([alice.pk, bob.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(kind=Conversation.Kind.DIRECT, member_low_id=low, member_high_id=high)


def test_start_from_a_listing_writes_to_its_author_about_it(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    listing = ListingFactory(author=alice, scope=community, title="Coaching on <b>run charts</b>")
    page = bob_client.get(start_url(listing=listing.pk)).content.decode()
    assert "Send a message to Alice Adams" in page
    assert "Coaching on &lt;b&gt;run charts&lt;/b&gt;" in page
    bob_client.post(start_url(listing=listing.pk), {"body": "Is this still on offer?"})
    message = Message.objects.get()
    assert (message.author, message.listing) == (bob, listing)
    thread = bob_client.get(thread_url(message.conversation)).content.decode()
    assert f'About: <a href="{listing.get_absolute_url()}">Coaching on &lt;b&gt;run charts&lt;/b&gt;</a>' in thread


def test_a_listing_message_joins_the_pairs_existing_conversation(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    earlier = send(bob, alice, "Hi Alice")
    listing = ListingFactory(author=alice, scope=community)
    page = bob_client.get(start_url(listing=listing.pk))
    assert page.status_code == 200, "a listing always gets the form, to say what the message is about"
    assert "this message joins it" in page.content.decode()
    bob_client.post(start_url(listing=listing.pk), {"body": "About your offer"})
    assert Conversation.objects.get() == earlier.conversation
    assert Message.objects.latest("pk").listing == listing


def test_exchange_thread_is_for_the_provider_and_recipients(
    alice: User, bob: User, alice_client: Client, bob_client: Client, community: Community
) -> None:
    exchange = exchange_between(alice, bob, community)
    url = reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk})
    assert alice_client.get(url).status_code == 200
    assert counts()["conversations"] == 0
    response = alice_client.post(url, {"body": "When suits you?"})
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    assert (conversation.kind, conversation.exchange) == (Conversation.Kind.EXCHANGE, exchange)
    assert set(conversation.participants.values_list("member_id", flat=True)) == {alice.pk, bob.pk}
    # The other side finds the same thread from the exchange.
    assert bob_client.get(url)["Location"] == conversation.get_absolute_url()
    page = bob_client.get(conversation.get_absolute_url()).content.decode()
    assert "Messages about Run chart coaching" in page
    assert "When suits you?" in page


# Reading, replying, unread counts and notifications


def test_the_other_participant_is_notified_and_the_author_is_not(alice: User, bob: User) -> None:
    message = send(alice, bob, "x" * 500)
    notification = Notification.objects.get(kind=Kind.MESSAGE)
    assert notification.recipient == bob
    assert notification.kind == Kind.MESSAGE
    assert notification.title == "New message from Alice Adams"
    assert notification.body == "x" * 300
    assert notification.url == message.conversation.get_absolute_url()
    assert notification.event_key == f"message:{message.pk}"


def test_the_header_count_goes_up_with_new_messages_and_down_when_read(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    dave = member_of(community, "Dave Davies")
    assert header_count(bob_client) is None
    conversation = send(alice, bob, "One").conversation
    send(alice, bob, "Two")
    assert header_count(bob_client) == "1", "two messages in one conversation count once"
    send(dave, bob, "From Dave")
    assert header_count(bob_client) == "2"
    bob_client.get(thread_url(conversation))
    assert header_count(bob_client) == "1"
    assert place(bob, conversation).last_read_at == conversation.messages.latest("pk").created_at


def test_writing_in_a_thread_counts_as_reading_it(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(alice, bob, "Hello").conversation
    assert unread_conversation_count(bob) == 1
    bob_client.post(send_url(conversation), {"body": "Hi!"})
    assert unread_conversation_count(bob) == 0
    assert unread_conversation_count(alice) == 1


def test_thread_shows_messages_oldest_first_with_author_and_time(alice: User, bob: User, bob_client: Client) -> None:
    send(alice, bob, "First")
    conversation = send(bob, alice, "Second").conversation
    page = bob_client.get(thread_url(conversation)).content.decode()
    assert page.index("First") < page.index("Second")
    assert "<strong>Alice Adams</strong>" in page
    assert "<strong>You</strong>" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page)
    assert 'aria-live="polite"' in page
    assert 'hx-trigger="every 10s"' in page


def test_reply_without_javascript_posts_then_redirects(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(alice, bob, "Hello").conversation
    response = bob_client.post(send_url(conversation), {"body": "Hello back"})
    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}#latest"
    assert bob_client.get(response["Location"]).content.decode().count("Hello back") == 1


def test_reply_with_htmx_returns_the_new_messages_and_a_fresh_form(alice: User, bob: User, bob_client: Client) -> None:
    first = send(alice, bob, "Hello")
    conversation = first.conversation
    bob_client.get(thread_url(conversation))
    meanwhile = send(alice, bob, "Are you there?")  # arrived since the page last looked
    response = bob_client.post(send_url(conversation), {"body": "Yes!", "after": first.pk}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "Hello</p>" not in content, "messages already shown are not sent again"
    assert content.index("Are you there?") < content.index("Yes!")
    reply = Message.objects.latest("pk")
    assert f'id="message-{meanwhile.pk}"' in content
    assert re.search(rf'<input type="hidden" name="after" value="{reply.pk}" id="id_after"', content)
    assert 'hx-swap-oob="true"' in content
    assert re.search(r"<textarea[^>]*autofocus[^>]*>\s*</textarea>", content), "the new form is empty"


def test_htmx_reply_with_an_error_keeps_the_text_and_adds_no_message(
    alice: User, bob: User, bob_client: Client
) -> None:
    conversation = send(alice, bob, "Hello").conversation
    BlockFactory(blocker=alice, blocked=bob)
    before = counts()
    response = bob_client.post(send_url(conversation), {"body": "Please answer", "after": 1}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "You can&#x27;t send messages to this member." in content
    assert "Please answer</textarea>" in content
    assert "hx-thread__message" not in content
    assert counts() == before


def test_poll_returns_only_messages_newer_than_the_last_shown(alice: User, bob: User, bob_client: Client) -> None:
    first = send(alice, bob, "First")
    conversation = first.conversation
    assert bob_client.get(poll_url(conversation, first.pk)).status_code == 204
    second = send(alice, bob, "Second")
    third = send(bob, alice, "Third")
    response = bob_client.get(poll_url(conversation, first.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "First" not in content
    assert content.index("Second") < content.index("Third")
    assert f'value="{third.pk}" id="id_after" hx-swap-oob="true"' in content
    assert "<html" not in content, "only the new messages and the cursor"
    assert "nhsuk-header" not in content
    assert bob_client.get(poll_url(conversation, third.pk)).status_code == 204
    assert place(bob, conversation).last_read_at == third.created_at, "seen in the open thread"
    assert second.pk < third.pk


def test_poll_without_a_cursor_is_a_bad_request(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(alice, bob).conversation
    url = reverse("conversations:poll", kwargs={"conversation_id": conversation.pk})
    assert bob_client.get(url).status_code == 400
    assert bob_client.get(url + "?after=abc").status_code == 400


def test_earlier_messages_are_paged(alice: User, bob: User, bob_client: Client, monkeypatch) -> None:
    monkeypatch.setattr("conversations.queries.THREAD_PAGE_SIZE", 2)
    messages = [send(alice, bob, f"Message number {n}") for n in range(5)]
    conversation = messages[0].conversation
    page = bob_client.get(thread_url(conversation)).content.decode()
    assert "Message number 2" not in page
    assert "Message number 3" in page
    assert "Message number 4" in page
    assert f"?before={messages[3].pk}" in page
    earlier = bob_client.get(thread_url(conversation) + f"?before={messages[3].pk}").content.decode()
    assert "Message number 1" in earlier
    assert "Message number 2" in earlier
    assert "Message number 3" not in earlier
    assert "Back to the latest messages" in earlier
    assert 'hx-trigger="every 10s"' not in earlier


def test_links_in_messages_are_clickable_and_html_is_escaped(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(alice, bob, "See https://example.org/run-charts. <script>alert(1)</script>").conversation
    page = bob_client.get(thread_url(conversation)).content.decode()
    assert '<a href="https://example.org/run-charts" rel="nofollow noopener">' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Inbox


def test_inbox_lists_conversations_newest_first_with_names_snippets_and_unread(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    dave = member_of(community, "Dave Davies")
    send(alice, bob, "Older message from Alice")
    send(dave, bob, "Newer message from Dave")
    content = bob_client.get(reverse("conversations:inbox")).content.decode()
    assert content.index("Dave Davies") < content.index("Alice Adams")
    assert "Newer message from Dave" in content
    assert content.count(">Unread</strong>") == 2
    send(bob, alice, "My reply")
    content = bob_client.get(reverse("conversations:inbox")).content.decode()
    assert content.index("Alice Adams") < content.index("Dave Davies")
    assert "You: My reply" in content
    assert content.count(">Unread</strong>") == 1


def test_inbox_query_count_does_not_grow_with_conversations(
    bob: User, bob_client: Client, community: Community, django_assert_num_queries
) -> None:
    def add_conversations(n: int) -> None:
        for _ in range(n):
            writer = member_of(community, f"Writer {Conversation.objects.count()}")
            send(writer, bob, "Hello")
            send(bob, writer, "Hello back")

    def inbox_page() -> list[tuple[Participant, list[User]]]:
        response = bob_client.get(reverse("conversations:inbox"))
        assert response.status_code == 200
        return response.context["rows"]

    def queries_of_the_whole_page() -> int:
        with CaptureQueriesContext(connection) as context:
            inbox_page()
        return len(context.captured_queries)

    add_conversations(2)
    few = queries_of_the_whole_page()
    add_conversations(8)
    assert queries_of_the_whole_page() == few
    # The inbox's own reads: the count, one page of rows (with the last message and its author),
    # and everyone's names; then whether the member coordinates (for the reports link).
    paginator = Paginator(queries.inbox(bob), queries.INBOX_PAGE_SIZE)
    with django_assert_num_queries(3):
        rows = list(paginator.get_page(1))
        names = [p.member.display_name for row in rows for p in row.conversation.people]  # type: ignore[attr-defined]
        snippets = [row.conversation.last_message.author.display_name for row in rows]  # type: ignore[union-attr]
    assert (len(rows), len(names), len(snippets)) == (10, 20, 10)
    assert len(inbox_page()) == 10


def test_inbox_is_paginated(bob: User, bob_client: Client, community: Community, monkeypatch) -> None:
    monkeypatch.setattr("conversations.queries.INBOX_PAGE_SIZE", 2)
    for i in range(3):
        send(member_of(community, f"Writer {i}"), bob, f"Hello {i}")
    first = bob_client.get(reverse("conversations:inbox")).content.decode()
    assert "Writer 2" in first
    assert "Writer 0" not in first
    assert "?page=2" in first
    second = bob_client.get(reverse("conversations:inbox") + "?page=2").content.decode()
    assert "Writer 0" in second


def test_nobodys_email_address_is_shown(
    alice: User, bob: User, alice_client: Client, bob_client: Client, community: Community
) -> None:
    listing = ListingFactory(author=alice, scope=community)
    message = send(bob, alice, "Hello", listing=listing)
    exchange = exchange_between(alice, bob, community)
    alice_client.post(reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk}), {"body": "Hi"})
    pages = [
        reverse("conversations:inbox"),
        thread_url(message.conversation),
        start_url(member=bob.pk),
        start_url(listing=listing.pk),
        reverse("conversations:block", kwargs={"member_id": bob.pk}),
        reverse("conversations:report", kwargs={"conversation_id": message.conversation_id, "message_id": message.pk}),
    ]
    for url in pages:
        response = alice_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "@example.org" not in response.content.decode(), url
    assert "@example.org" not in bob_client.get(thread_url(message.conversation)).content.decode()


# Refusals: a clear message, nothing saved, never a 500


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message before sending it."),
        ("   \n\t  ", "Write a message before sending it."),
        ("x" * 2001, "A message can be at most 2000 characters; this one has 2001."),
    ],
)
def test_empty_or_too_long_messages_are_refused(
    alice: User, bob: User, alice_client: Client, bob_client: Client, body: str, error: str
) -> None:
    before = counts()
    response = alice_client.post(start_url(member=bob.pk), {"body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert counts() == before

    conversation = send(alice, bob).conversation
    before = counts()
    response = bob_client.post(send_url(conversation), {"body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert counts() == before


def test_a_message_of_exactly_2000_characters_after_trimming_is_accepted(
    alice: User, bob: User, alice_client: Client
) -> None:
    alice_client.post(start_url(member=bob.pk), {"body": "  " + "x" * 2000 + "\n"})
    assert len(Message.objects.get().body) == 2000


def test_a_message_to_oneself_is_refused(alice: User, alice_client: Client, community: Community) -> None:
    listing = ListingFactory(author=alice, scope=community)
    before = counts()
    for url in (start_url(member=alice.pk), start_url(listing=listing.pk)):
        response = alice_client.post(url, {"body": "Note to self"}, follow=True)
        assert response.status_code == 200
        assert "You can&#x27;t send a message to yourself." in response.content.decode()
    assert counts() == before


def test_a_blocked_member_cannot_start_a_conversation_or_reply(
    alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    conversation = send(bob, alice, "Hello").conversation
    alice_client.post(reverse("conversations:block", kwargs={"member_id": bob.pk}))
    before = counts()
    for url in (start_url(member=alice.pk), send_url(conversation)):
        response = bob_client.post(url, {"body": "Why no answer?"}, follow=True)
        assert response.status_code == 200
        content = response.content.decode()
        assert "You can&#x27;t send messages to this member." in content
        assert "blocked" not in content.lower(), "the block stays invisible"
    assert counts() == before


def test_blocking_is_invisible_to_the_blocked_member(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(bob, alice, "Hello").conversation
    BlockFactory(blocker=alice, blocked=bob)
    for url in (thread_url(conversation), reverse("conversations:inbox"), start_url(member=alice.pk)):
        content = bob_client.get(url, follow=True).content.decode()
        assert "blocked" not in content.lower(), url
    # The compose form still shows; only sending is refused.
    assert bob_client.get(start_url(member=alice.pk)).status_code == 302  # to the existing thread


def test_the_blocker_is_told_to_unblock_before_writing(alice: User, bob: User, alice_client: Client) -> None:
    conversation = send(bob, alice, "Hello").conversation
    BlockFactory(blocker=alice, blocked=bob)
    before = counts()
    content = alice_client.post(send_url(conversation), {"body": "Actually..."}).content.decode()
    assert "You have blocked Bob Brown. Unblock them to send them a message." in content
    assert counts() == before


@pytest.mark.parametrize("how", ["suspended", "left", "inactive account"])
def test_a_message_to_a_suspended_member_is_refused(
    alice: User, bob: User, alice_client: Client, community: Community, how: str
) -> None:
    conversation = send(alice, bob, "Hello").conversation
    if how == "inactive account":
        User.objects.filter(pk=bob.pk).update(is_active=False)
    else:
        Membership.objects.filter(member=bob, community=community).update(status=how)
    before = counts()
    response = alice_client.post(send_url(conversation), {"body": "Are you still there?"})
    assert response.status_code == 200
    assert (
        "Bob Brown can&#x27;t receive messages from you: they are no longer an active member of a community you share."
        in response.content.decode()
    )
    assert counts() == before


def test_a_suspended_sender_cannot_write_either(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    conversation = send(alice, bob, "Hello").conversation
    Membership.objects.filter(member=bob, community=community).update(status=Membership.Status.SUSPENDED)
    before = counts()
    content = bob_client.post(send_url(conversation), {"body": "Hi"}).content.decode()
    assert "Alice Adams can&#x27;t receive messages from you" in content
    assert counts() == before


def test_starting_a_conversation_with_someone_outside_your_communities_is_a_404(
    alice_client: Client, charlie: User
) -> None:
    before = counts()
    assert alice_client.get(start_url(member=charlie.pk)).status_code == 404
    assert alice_client.post(start_url(member=charlie.pk), {"body": "Hi"}).status_code == 404
    assert alice_client.get(start_url(member=999_999)).status_code == 404
    assert alice_client.get(reverse("conversations:start")).status_code == 200  # the page to find a member
    assert alice_client.post(reverse("conversations:start"), {"body": "Hi"}).status_code == 404
    assert alice_client.get(start_url(member="abc")).status_code == 404
    assert counts() == before


def test_htmx_poll_and_send_of_a_thread_you_are_not_in_are_404(alice: User, bob: User, charlie_client: Client) -> None:
    conversation = send(alice, bob).conversation
    before = counts()
    assert charlie_client.post(send_url(conversation), {"body": "Hi", "after": 0}, **HTMX).status_code == 404
    assert charlie_client.get(poll_url(conversation, 0), **HTMX).status_code == 404
    assert counts() == before


def test_participants_are_only_those_of_the_conversation(alice: User, bob: User) -> None:
    conversation = send(alice, bob).conversation
    assert Participant.objects.filter(conversation=conversation).count() == 2


def test_a_new_conversation_is_not_left_behind_when_the_first_message_is_refused(
    alice: User, bob: User, alice_client: Client
) -> None:
    BlockFactory(blocker=bob, blocked=alice)
    before = counts()
    alice_client.post(start_url(member=bob.pk), {"body": "Hello"})
    assert counts() == before


def test_bad_numbers_in_the_address_are_not_errors(alice: User, bob: User, bob_client: Client) -> None:
    conversation = send(alice, bob).conversation
    assert bob_client.get(thread_url(conversation) + "?before=zzz").status_code == 200
    assert bob_client.get(reverse("conversations:inbox") + "?page=zzz").status_code == 200
    assert bob_client.get(start_url(listing="99999999999999999999999")).status_code == 404


def test_pages_need_a_signed_in_member(alice: User, bob: User) -> None:
    conversation = send(alice, bob).conversation
    for url in (reverse("conversations:inbox"), thread_url(conversation), poll_url(conversation, 0)):
        response = client_for_anonymous().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def client_for_anonymous() -> Client:
    return Client()


def test_exchange_thread_refuses_a_blocked_participant(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    exchange = exchange_between(alice, bob, community)
    BlockFactory(blocker=alice, blocked=bob)
    before = counts()
    url = reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk})
    content = bob_client.post(url, {"body": "About Tuesday"}).content.decode()
    assert "You can&#x27;t send messages to this member." in content
    assert counts() == before


def test_a_group_exchange_thread_notifies_every_other_participant(alice: User, bob: User, community: Community) -> None:
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
    client_for(bob).post(reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk}), {"body": "Room?"})
    notified = Notification.objects.filter(kind=Kind.MESSAGE).values_list("recipient_id", flat=True)
    assert set(notified) == {alice.pk, dave.pk}
    assert unread_conversation_count(alice) == unread_conversation_count(dave) == 1
    assert unread_conversation_count(bob) == 0
