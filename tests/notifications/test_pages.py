"""The notifications page, opening a notification, marking them read, and the settings page,
as the owner, another member and an outsider would use them."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.kinds import RULES, Delivery, Kind
from notifications.models import Notification, NotificationPreference
from notifications.queries import PAGE_SIZE
from tests.notifications.helpers import notify_now

pytestmark = pytest.mark.django_db
INDEX = reverse("notifications:index")
SETTINGS = reverse("notifications:preferences")


def open_url(notification: Notification) -> str:
    return reverse("notifications:open", kwargs={"notification_id": notification.pk})


def test_pages_need_a_login(db: None) -> None:
    for url in (INDEX, SETTINGS, reverse("notifications:open", kwargs={"notification_id": 1})):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_my_notifications_newest_first_with_unread_marked(
    bob: User, bob_client: Client, alice: User
) -> None:
    older = notify_now(bob, n=1)
    newer = notify_now(bob, n=2, body="Alice sent it with thanks.")
    notify_now(alice, n=3)
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())
    response = bob_client.get(INDEX)
    assert [n.pk for n in response.context["notifications"]] == [newer.pk, older.pk]
    content = response.content.decode()
    assert content.index("You received 2 hour(s)") < content.index("You received 1 hour(s)")
    assert "You received 3 hour(s)" not in content  # alice's
    assert content.count(">Unread</strong>") == 1
    assert "You have 1 unread notification." in content
    assert "Alice sent it with thanks." in content
    assert f'href="{open_url(newer)}"' in content
    assert f'href="{SETTINGS}"' in content
    # The header counts them too, with words for screen readers.
    assert '<span class="hx-count">1<span class="nhsuk-u-visually-hidden"> unread</span></span>' in content


def test_the_header_shows_no_count_when_all_are_read(bob: User, bob_client: Client) -> None:
    content = bob_client.get(INDEX).content.decode()
    assert f'href="{INDEX}" aria-current="page">Notifications<span id="hx-unread-notifications"></span></a>' in content
    assert "hx-count" not in content
    assert "Nothing yet." in content
    assert "Mark all as read" not in content


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    bob: User, bob_client: Client, django_assert_num_queries
) -> None:
    for n in range(3):
        notify_now(bob, n=n)
    # Session, member, the page's count and rows; the header's member name and unread counts.
    with django_assert_num_queries(6):
        bob_client.get(INDEX)
    for n in range(3, PAGE_SIZE + 10):
        notify_now(bob, n=n)
    with django_assert_num_queries(6):
        response = bob_client.get(INDEX)
    assert len(response.context["notifications"]) == PAGE_SIZE
    content = response.content.decode()
    assert "Page 2 of 2" in content
    second = bob_client.get(INDEX, {"page": 2})
    assert len(second.context["notifications"]) == 10


def test_opening_marks_it_read_and_goes_to_the_thing(bob: User, bob_client: Client) -> None:
    notification = notify_now(bob, url="/exchanges/4/")
    response = bob_client.get(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/exchanges/4/"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    bob_client.get(open_url(notification))
    notification.refresh_from_db()
    assert notification.read_at == first_read


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "exchanges/4/"])
def test_opening_never_leaves_the_site(bob: User, bob_client: Client, url: str) -> None:
    notification = notify_now(bob, url=url)
    response = bob_client.get(open_url(notification))
    assert response["Location"] == INDEX


@pytest.mark.parametrize("persona", ["alice", "charlie"])
def test_someone_elses_notification_is_not_found_and_stays_unread(
    bob: User, persona: str, alice_client: Client, charlie_client: Client
) -> None:
    notification = notify_now(bob)
    client = {"alice": alice_client, "charlie": charlie_client}[persona]
    response = client.get(open_url(notification))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_marks_only_mine(bob: User, bob_client: Client, alice: User) -> None:
    notify_now(bob, n=1)
    notify_now(bob, n=2)
    theirs = notify_now(alice, n=3)
    assert bob_client.get(reverse("notifications:mark_all_read"))["Location"] == reverse("notifications:index")
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 2  # a GET marks nothing
    response = bob_client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_needs_a_login_and_a_csrf_token(bob: User) -> None:
    notify_now(bob)
    assert Client().post(reverse("notifications:mark_all_read")).status_code == 302
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1


def radios(content: str, kind: str) -> list[str]:
    """The values offered for a kind, in order."""
    import re

    return re.findall(rf'name="{kind}" type="radio" value="([a-z_]+)"', content)


def test_settings_offer_only_what_each_kind_allows_with_defaults_checked(bob_client: Client) -> None:
    response = bob_client.get(SETTINGS)
    content = response.content.decode()
    assert content.count('<fieldset class="nhsuk-fieldset"') == len(RULES)
    assert radios(content, Kind.MESSAGE) == ["in_app", "email", "daily", "weekly", "off"]
    assert radios(content, Kind.EXCHANGE_PROPOSED) == ["in_app", "email", "daily", "weekly"]
    assert radios(content, Kind.WEEKLY_SUMMARY) == ["weekly", "off"]
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">New message</legend>' in content
    assert 'id="id_message_1" name="message" type="radio" value="email" checked' in content
    assert 'id="id_weekly_summary_0" name="weekly_summary" type="radio" value="weekly" checked' in content
    assert "An exchange waits on its members, so these always show in Hexitime." in content


def all_defaults(**changes: str) -> dict[str, str]:
    return {str(kind): str(rules.default) for kind, rules in RULES.items()} | changes


def test_saving_settings_writes_my_choices(bob: User, bob_client: Client, alice: User) -> None:
    NotificationPreference.objects.create(member=alice, kind=Kind.MESSAGE, delivery=Delivery.OFF)
    NotificationPreference.objects.create(member=bob, kind=Kind.MESSAGE, delivery=Delivery.OFF)
    data = all_defaults(message="daily", exchange_proposed="in_app", weekly_summary="off")
    response = bob_client.post(SETTINGS, data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    mine = dict(NotificationPreference.objects.filter(member=bob).values_list("kind", "delivery"))
    assert mine == data
    assert NotificationPreference.objects.get(member=alice).delivery == Delivery.OFF
    content = bob_client.get(SETTINGS).content.decode()
    assert 'name="message" type="radio" value="daily" checked' in content
    assert 'name="weekly_summary" type="radio" value="off" checked' in content


@pytest.mark.parametrize(
    ("kind", "value"), [(Kind.EXCHANGE_PROPOSED, "off"), (Kind.WEEKLY_SUMMARY, "email"), (Kind.MESSAGE, "loud")]
)
def test_a_forged_choice_is_a_form_error_and_changes_nothing(
    bob: User, bob_client: Client, kind: str, value: str
) -> None:
    NotificationPreference.objects.create(member=bob, kind=Kind.MESSAGE, delivery=Delivery.DAILY)
    response = bob_client.post(SETTINGS, all_defaults(**{kind: value}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert f"“{value}” is not offered for this: choose one of the options shown." in content
    assert list(NotificationPreference.objects.filter(member=bob).values_list("kind", "delivery")) == [
        (Kind.MESSAGE, Delivery.DAILY)
    ]


def test_the_action_refuses_what_a_kind_does_not_allow(bob: User) -> None:
    from notifications.actions import PreferenceNotAllowed, do_update_preferences

    with pytest.raises(PreferenceNotAllowed):
        do_update_preferences(member=bob, choices={Kind.MESSAGE: "daily", Kind.EXCHANGE_ACCEPTED: "off"})
    with pytest.raises(PreferenceNotAllowed):
        do_update_preferences(member=bob, choices={"no_such_kind": "email"})
    assert not NotificationPreference.objects.exists()
