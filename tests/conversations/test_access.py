"""Who may open each conversation page: the owner, another member of the community, an outsider.

A conversation between alice and bob: bob (a participant) is the owner; dave, another member of
riverside, and charlie, an outsider, get the same 404 as for a conversation that does not exist.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from conversations.models import Message
from tests.conversations.factories import MessageReportFactory, counts, exchange_between, member_of, send
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    message: Message
    owner: Client
    other_member: Client
    outsider: Client

    @property
    def conversation_id(self) -> int:
        return self.message.conversation_id

    def url(self, name: str, **kwargs: int) -> str:
        return reverse(f"conversations:{name}", kwargs=kwargs)


@pytest.fixture
def scene(alice: User, bob: User, charlie_client: Client, community: Community) -> Scene:
    message = send(alice, bob, "Hello Bob")
    dave = member_of(community, "Dave Davies")
    return Scene(message=message, owner=client_for(bob), other_member=client_for(dave), outsider=charlie_client)


def conversation_urls(scene: Scene) -> dict[str, tuple[str, str]]:
    """(method, url) of every page about this conversation."""
    conversation_id = scene.conversation_id
    return {
        "thread": ("get", scene.url("thread", conversation_id=conversation_id)),
        "poll": ("get", scene.url("poll", conversation_id=conversation_id) + f"?after={scene.message.pk - 1}"),
        "send": ("post", scene.url("send", conversation_id=conversation_id)),
        "report page": (
            "get",
            scene.url("report", conversation_id=conversation_id, message_id=scene.message.pk),
        ),
        "report": (
            "post",
            scene.url("report", conversation_id=conversation_id, message_id=scene.message.pk),
        ),
    }


PAYLOADS = {"send": {"body": "Hi", "after": "0"}, "report": {"reason": "Rude"}}


@pytest.mark.parametrize("page", ["thread", "poll", "send", "report page", "report"])
def test_conversation_pages_are_for_participants_only(scene: Scene, page: str) -> None:
    method, url = conversation_urls(scene)[page]
    data = PAYLOADS.get(page, {})
    before = counts()
    for client in (scene.other_member, scene.outsider):
        assert getattr(client, method)(url, data).status_code == 404
    assert counts() == before
    assert getattr(scene.owner, method)(url, data).status_code in {200, 302}


@pytest.mark.parametrize("page", ["thread", "poll", "send", "report"])
def test_a_conversation_that_does_not_exist_gives_the_same_404(scene: Scene, page: str) -> None:
    missing = scene.conversation_id + 1000
    url = {
        "thread": scene.url("thread", conversation_id=missing),
        "poll": scene.url("poll", conversation_id=missing) + "?after=0",
        "send": scene.url("send", conversation_id=missing),
        "report": scene.url("report", conversation_id=missing, message_id=scene.message.pk),
    }[page]
    assert scene.owner.get(url, follow=True).status_code == 404  # send: a GET redirects to the thread, which is missing
    if page == "send":
        assert scene.owner.post(url, {"body": "Hi"}).status_code == 404


def test_a_message_of_another_conversation_cannot_be_reported_through_yours(
    scene: Scene, alice: User, community: Community
) -> None:
    theirs = send(alice, member_of(community, "Erin Evans"), "Private")
    url = scene.url("report", conversation_id=scene.conversation_id, message_id=theirs.pk)
    assert scene.owner.get(url).status_code == 404
    assert scene.owner.post(url, {"reason": "Rude"}).status_code == 404


def test_the_inbox_shows_only_your_own_conversations(scene: Scene) -> None:
    url = reverse("conversations:inbox")
    assert "Hello Bob" in scene.owner.get(url).content.decode()
    for client in (scene.other_member, scene.outsider):
        response = client.get(url)
        assert response.status_code == 200
        assert "Hello Bob" not in response.content.decode()


def test_start_is_for_members_you_can_see(bob: User, scene: Scene) -> None:
    url = reverse("conversations:start") + f"?member={bob.pk}"
    assert scene.other_member.get(url).status_code == 200
    assert scene.outsider.get(url).status_code == 404
    before = counts()
    assert scene.outsider.post(url, {"body": "Hi"}).status_code == 404
    assert counts() == before


def test_start_from_a_listing_you_cannot_see_is_a_404(
    alice: User, charlie_client: Client, community: Community
) -> None:
    from tests.factories import ListingFactory

    listing = ListingFactory(author=alice, scope=community)
    url = reverse("conversations:start") + f"?listing={listing.pk}"
    assert charlie_client.get(url).status_code == 404
    assert charlie_client.post(url, {"body": "Hi"}).status_code == 404
    assert counts()["messages"] == 0


def test_exchange_thread_is_for_its_people_only(
    alice: User, bob: User, community: Community, charlie_client: Client
) -> None:
    dave = member_of(community, "Dave Davies")
    exchange = exchange_between(bob, dave, community)  # alice coordinates riverside but takes no part
    url = reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk})
    before = counts()
    for client in (client_for(alice), charlie_client):
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hi"}).status_code == 404
    missing = reverse("conversations:exchange", kwargs={"exchange_id": exchange.pk + 1000})
    assert client_for(bob).get(missing).status_code == 404
    assert counts() == before
    assert client_for(bob).get(url).status_code == 200
    assert client_for(dave).post(url, {"body": "Hi"}).status_code == 302


def test_block_pages_are_for_members_you_can_see_or_have_talked_with(
    alice: User, bob: User, scene: Scene, community: Community
) -> None:
    block_url = reverse("conversations:block", kwargs={"member_id": bob.pk})
    unblock_url = reverse("conversations:unblock", kwargs={"member_id": bob.pk})
    before = counts()
    assert scene.outsider.get(block_url).status_code == 404
    assert scene.outsider.post(block_url).status_code == 404
    assert scene.outsider.post(unblock_url).status_code == 404
    assert scene.outsider.get(reverse("conversations:block", kwargs={"member_id": 999_999})).status_code == 404
    assert counts() == before
    assert scene.other_member.get(block_url).status_code == 200
    # Someone who left every shared community can still be blocked by those they talked with.
    Membership.objects.filter(member=bob, community=community).update(status=Membership.Status.LEFT)
    alice_client = client_for(alice)
    assert alice_client.get(block_url).status_code == 200
    assert scene.other_member.get(block_url).status_code == 404


def test_unblock_only_accepts_post(bob: User, alice_client: Client) -> None:
    response = alice_client.get(reverse("conversations:unblock", kwargs={"member_id": bob.pk}))
    assert response.headers["Location"] == reverse("conversations:block", kwargs={"member_id": bob.pk})


@pytest.fixture
def report(alice: User, bob: User):
    message = send(bob, alice, "Something rude")
    return MessageReportFactory(message=message, reporter=alice, reason="Rude")


def test_reports_page_is_for_coordinators(report, bob_client: Client, charlie_client: Client, community) -> None:
    # alice reported bob, so the coordinator here is another coordinator of riverside.
    coordinator = UserFactory(profile__display_name="Cora Coordinator")
    MembershipFactory(member=coordinator, community=community, role=Membership.Role.COORDINATOR)
    url = reverse("conversations:reports")
    for client in (bob_client, charlie_client):
        assert client.get(url).status_code == 404
    content = client_for(coordinator).get(url).content.decode()
    assert "Something rude" in content
    assert "Alice Adams reported a message from Bob Brown" in content


def test_coordinators_elsewhere_see_the_page_but_not_the_report(report) -> None:
    elsewhere = UserFactory()
    MembershipFactory(member=elsewhere, community=OrganisationFactory(), role=Membership.Role.COORDINATOR)
    client = client_for(elsewhere)
    response = client.get(reverse("conversations:reports"))
    assert response.status_code == 200
    assert "Something rude" not in response.content.decode()
    url = reverse("conversations:resolve_report", kwargs={"report_id": report.pk})
    assert client.post(url, {f"report-{report.pk}-note": "Spoke to them"}).status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None


def test_resolving_a_report_is_for_its_coordinators(report, bob_client: Client, charlie_client: Client) -> None:
    url = reverse("conversations:resolve_report", kwargs={"report_id": report.pk})
    data = {f"report-{report.pk}-note": "Spoke to them"}
    for client in (bob_client, charlie_client):
        assert client.post(url, data).status_code == 404
    assert client_for(UserFactory()).post(url, data).status_code == 404
    report.refresh_from_db()
    assert report.resolved_at is None
