"""Issue 10: a new message from the inbox (find a member by name), and "Ask them" from one's own request."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from conversations.models import Conversation, Message
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("conversations:start")


def test_the_inbox_offers_a_new_message(bob_client: Client) -> None:
    page = bob_client.get(reverse("conversations:inbox")).content.decode()
    assert f'href="{NEW}">New message</a>' in page


def test_new_message_asks_who_to_write_to(bob_client: Client) -> None:
    response = bob_client.get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Who to write to" in page
    assert "Write to" not in page


def test_finding_by_name_lists_only_members_one_may_write_to(
    alice: User, bob: User, bob_client: Client, charlie: User
) -> None:
    page = bob_client.get(NEW, {"name": "  a  "}).content.decode()  # every name here has an "a"
    assert f'href="{NEW}?member={alice.pk}">Write to Alice Adams</a>' in page
    assert "Charlie Clark" not in page, "an outsider who shares no community"
    assert "Write to Bob Brown" not in page, "never oneself"


def test_no_match_says_so(bob_client: Client, alice: User) -> None:
    page = bob_client.get(NEW, {"name": "Zebedee"}).content.decode()
    assert "No member who shares a community with you has a name like “Zebedee”." in page


def test_htmx_gets_only_the_choices(alice: User, bob_client: Client) -> None:
    response = bob_client.get(NEW, {"name": "alice"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="member-choices"')
    assert "Write to Alice Adams" in page
    assert "<html" not in page


def test_choices_come_ten_at_a_time_in_a_fixed_number_of_queries(
    bob: User, bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    for n in range(12):
        MembershipFactory(member=UserFactory(profile__display_name=f"Nurse {n:02d}"), community=community)
    bob_client.get(NEW, {"name": "nurse"}, headers={"HX-Request": "true"})
    with django_assert_num_queries(3):  # type: ignore[operator]  # session, user, the page of names
        first = bob_client.get(NEW, {"name": "nurse"}, headers={"HX-Request": "true"}).content.decode()
    assert first.count("Write to Nurse") == 10
    assert "More names" in first
    second = bob_client.get(NEW, {"name": "nurse", "page": "2"}).content.decode()
    assert second.count("Write to Nurse") == 2
    assert "Write to Nurse 10" in second
    assert "More names" not in second


def test_bad_page_numbers_show_the_first_page(alice: User, bob_client: Client) -> None:
    for page in ["x", "-1", "0", "99999999999999999999999"]:
        response = bob_client.get(NEW, {"name": "alice", "page": page})
        assert response.status_code == 200
        assert "Write to Alice Adams" in response.content.decode()


def test_the_author_can_ask_a_suggested_member_about_their_request(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community
) -> None:
    spc = Skill.objects.get(name="Statistical process control")
    bob.profile.skills.set([spc])
    request = ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help", skills=[spc])
    ask = f"{NEW}?listing={request.pk}&amp;member={bob.pk}"
    assert f'href="{ask}">Ask them' in alice_client.get(request.get_absolute_url()).content.decode()
    assert "Ask them" not in bob_client.get(request.get_absolute_url()).content.decode(), "only for the author"

    url = f"{NEW}?listing={request.pk}&member={bob.pk}"
    form = alice_client.get(url).content.decode()
    assert "Send a message to Bob Brown" in form
    assert "Hello Bob Brown, could you help with my request “Need SPC help”?" in form
    response = alice_client.post(url, {"body": "Could you help with my SPC chart?"})
    message = Message.objects.get()
    assert response.status_code == 302
    assert (message.author, message.listing) == (alice, request)
    assert set(message.conversation.participants.values_list("member_id", flat=True)) == {alice.pk, bob.pk}


def test_nobody_else_can_attach_someone_elses_listing(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    carol = UserFactory(profile__display_name="Carol Cole")
    MembershipFactory(member=carol, community=community)
    request = ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help")
    # bob names carol with alice's listing: the message goes to the listing's author, as before
    page = bob_client.get(f"{NEW}?listing={request.pk}&member={carol.pk}").content.decode()
    assert "Send a message to Alice Adams" in page


def test_asking_someone_who_cannot_see_the_listing_is_refused(
    alice: User, alice_client: Client, community: Community
) -> None:
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(name="Other Trust")
    MembershipFactory(member=alice, community=other)
    dora = UserFactory(profile__display_name="Dora Dean")
    MembershipFactory(member=dora, community=other)
    request = ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help")
    response = alice_client.post(f"{NEW}?listing={request.pk}&member={dora.pk}", {"body": "Hello"})
    assert response.status_code == 200
    assert "Dora Dean can&#x27;t see this listing. Write to them without it." in response.content.decode()
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_an_htmx_send_with_a_forged_after_still_shows_the_message(alice: User, bob: User, bob_client: Client) -> None:
    from conversations.actions import do_send_direct

    conversation = do_send_direct(sender=alice, recipient=bob, body="Hello Bob").conversation
    url = reverse("conversations:send", kwargs={"conversation_id": conversation.pk})
    response = bob_client.post(url, {"body": "Hello Alice", "after": 999_999}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Hello Alice" in response.content.decode()
    assert Message.objects.filter(conversation=conversation).count() == 2
