"""A coordinator hiding a listing tells its author why, through the HTTP client.

alice coordinates Riverside, bob wrote the offer, charlie is an outsider.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from listings.models import Listing
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from tests.factories import ListingFactory
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(bob: User, community: Community) -> Listing:
    return ListingFactory(author=bob, scope=community, kind="offer", title="SPC clinic")


def hide(client: Client, listing: Listing, reason: str) -> None:
    url = reverse("listings:hide", kwargs={"listing_id": listing.pk})
    assert client.post(url, {"reason": reason}).status_code == 302


def told() -> list[str]:
    return sorted(Notification.objects.filter(kind=Kind.LISTING_HIDDEN).values_list("recipient__email", flat=True))


@pytest.mark.parametrize(
    ("delivery", "in_app", "by_email"),
    [(None, True, True), ("in_app", True, False), ("daily", True, False), ("off", False, False)],
)
def test_hiding_a_listing_tells_its_author_why(
    alice: User,
    alice_client: Client,
    bob: User,
    charlie: User,
    offer: Listing,
    delivery: str | None,
    in_app: bool,
    by_email: bool,
    django_capture_on_commit_callbacks,
) -> None:
    if delivery is not None:
        NotificationPreference.objects.create(member=bob, kind=Kind.LISTING_HIDDEN, delivery=delivery)
    with django_capture_on_commit_callbacks(execute=True):
        hide(alice_client, offer, "Please describe the improvement.")
    run_due_tasks()
    assert told() == (["bob@example.org"] if in_app else [])
    assert [(m.to, m.cc, m.bcc) for m in mail.outbox] == ([(["bob@example.org"], [], [])] if by_email else [])
    if in_app:
        note = Notification.objects.get()
        assert note.title == "Alice Adams hid your offer “SPC clinic”"
        assert (note.body, note.url) == ("Reason: Please describe the improvement.", offer.get_absolute_url())
    if by_email:
        assert "Please describe the improvement." in mail.outbox[0].body
        assert "alice@example.org" not in f"{mail.outbox[0].subject}{mail.outbox[0].body}"


def test_hiding_twice_tells_once_but_hiding_again_later_tells_again(
    alice_client: Client, bob: User, offer: Listing, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hide(alice_client, offer, "Duplicate")
        hide(alice_client, offer, "Duplicate")  # a double click
    run_due_tasks()
    assert told() == ["bob@example.org"]
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    alice_client.post(reverse("listings:unhide", kwargs={"listing_id": offer.pk}))  # bob hears it is visible again
    hide(alice_client, offer, "Duplicate")
    assert told() == ["bob@example.org", "bob@example.org", "bob@example.org"]


def test_members_who_may_not_hide_tell_nobody(bob_client: Client, charlie_client: Client, offer: Listing) -> None:
    url = reverse("listings:hide", kwargs={"listing_id": offer.pk})
    assert bob_client.post(url, {"reason": "no"}).status_code == 403
    assert charlie_client.post(url, {"reason": "no"}).status_code == 404
    assert told() == []
