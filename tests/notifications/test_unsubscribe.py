"""The one-click unsubscribe link from e-mails: no login, a signed token naming the member and the
kind, GET asks and POST does it (RFC 8058, so the POST needs no CSRF token), and a forged, changed
or expired link changes nothing."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import tokens
from notifications.actions import do_unsubscribe
from notifications.kinds import Delivery, Kind
from notifications.models import NotificationPreference
from notifications.queries import preferences_of
from tests.notifications.helpers import notify_now
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


def link(member: User, topic: str = Kind.MESSAGE) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": tokens.make_token(member, topic)})


def one_click(url: str):
    """POST as a mail provider does for RFC 8058: no session, no CSRF token, this body."""
    client = Client(enforce_csrf_checks=True)
    return client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")


def test_get_asks_and_changes_nothing(bob: User) -> None:
    response = Client().get(link(bob))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Stop e-mails about “New message”?" in content
    assert "You will still see them on your notifications page in Hexitime." in content
    assert '<form method="post">' in content
    assert reverse("notifications:preferences") in content
    assert response["Cache-Control"].startswith("max-age=0")
    assert not NotificationPreference.objects.exists()


def test_post_from_the_page_stops_emails_but_keeps_them_in_the_app(bob: User, alice: User) -> None:
    response = Client(enforce_csrf_checks=True).post(link(bob))
    assert response.status_code == 200
    content = response.content.decode()
    assert "You will not get these e-mails any more" in content
    assert "We have stopped e-mails about “New message”." in content
    assert reverse("notifications:preferences") in content
    assert preferences_of(bob)[Kind.MESSAGE] == Delivery.IN_APP
    assert not NotificationPreference.objects.filter(member=alice).exists()


def test_one_click_from_the_email_headers_works_end_to_end(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob, n=1)
    run_due_tasks()
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<https?://[^/]+(/notifications/unsubscribe/[^>]+)>", header)
    assert match
    response = one_click(match[1])
    assert response.status_code == 200
    assert preferences_of(bob)[Kind.CREDITS_RECEIVED] == Delivery.IN_APP
    # Doing it twice is fine, and the next event is in the app only.
    assert one_click(match[1]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_now(bob, n=2)
    run_due_tasks()
    assert notification.delivery == Delivery.IN_APP
    assert len(mail.outbox) == 1


def test_exchange_kinds_go_to_in_app_only(bob: User) -> None:
    one_click(link(bob, Kind.EXCHANGE_PROPOSED))
    assert preferences_of(bob)[Kind.EXCHANGE_PROPOSED] == Delivery.IN_APP


def test_the_weekly_summary_goes_off(bob: User) -> None:
    content = Client().get(link(bob, Kind.WEEKLY_SUMMARY)).content.decode()
    assert "Stop e-mails about “Weekly summary of matches and exchanges waiting on you”?" in content
    assert "You will no longer get this e-mail." in content
    one_click(link(bob, Kind.WEEKLY_SUMMARY))
    assert preferences_of(bob)[Kind.WEEKLY_SUMMARY] == Delivery.OFF


def test_a_digest_moves_what_it_carries_to_the_app(bob: User) -> None:
    NotificationPreference.objects.create(member=bob, kind=Kind.MESSAGE, delivery=Delivery.DAILY)
    NotificationPreference.objects.create(member=bob, kind=Kind.EXCHANGE_ACCEPTED, delivery=Delivery.DAILY)
    NotificationPreference.objects.create(member=bob, kind=Kind.NUDGE, delivery=Delivery.WEEKLY)
    assert "Stop the daily digest e-mail?" in Client().get(link(bob, "daily")).content.decode()
    one_click(link(bob, "daily"))
    mine = preferences_of(bob)
    assert (mine[Kind.MESSAGE], mine[Kind.EXCHANGE_ACCEPTED]) == (Delivery.IN_APP, Delivery.IN_APP)
    assert mine[Kind.NUDGE] == Delivery.WEEKLY
    assert mine[Kind.WEEKLY_SUMMARY] == Delivery.WEEKLY  # it has its own link
    assert do_unsubscribe(member=bob, topic="daily") == {}


def invalid(url: str, method: str = "post") -> str:
    response = getattr(Client(), method)(url)
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_changes_nothing(bob: User, alice: User, method: str) -> None:
    token = tokens.make_token(bob, Kind.MESSAGE)
    payload, timestamp, signature = token.split(":")
    other = tokens.make_token(alice, Kind.MESSAGE).split(":")[0]
    for forged in (
        f"{other}:{timestamp}:{signature}",  # alice's member id with bob's signature
        f"{payload}:{timestamp}:{signature[:-2]}xx",
        "not-a-token",
        signing.TimestampSigner().sign_object({"m": bob.pk, "k": Kind.MESSAGE}),  # no salt
        signing.TimestampSigner(salt=tokens.SALT).sign_object({"m": bob.pk, "k": "no_such_kind"}),
        signing.TimestampSigner(salt=tokens.SALT).sign_object({"m": 999999, "k": Kind.MESSAGE}),
    ):
        content = invalid(reverse("notifications:unsubscribe", kwargs={"token": forged}), method)
        assert "This unsubscribe link does not work" in content
        assert "Nothing has been changed." in content
    assert not NotificationPreference.objects.exists()


def test_an_expired_link_changes_nothing(bob: User, monkeypatch: pytest.MonkeyPatch) -> None:
    url = link(bob)
    monkeypatch.setattr(tokens, "MAX_AGE", timedelta(seconds=-1))
    content = invalid(url)
    assert "This unsubscribe link has expired" in content
    assert not NotificationPreference.objects.exists()


def test_links_last_sixty_days(bob: User, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tokens.MAX_AGE.days == 60
    url = link(bob)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + timedelta(days=59).total_seconds())
    assert Client().get(url).status_code == 200
    monkeypatch.setattr(time, "time", lambda: real_time() + timedelta(days=61).total_seconds())
    content = invalid(url, "get")
    assert "Links to stop e-mails work for 60 days after the e-mail was sent." in content


def test_only_the_unsubscribe_view_is_csrf_exempt(bob: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(reverse("notifications:preferences"), {}).status_code == 403
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert client.post(link(bob)).status_code == 200


def test_other_methods_are_refused(bob: User) -> None:
    assert Client().put(link(bob)).status_code == 405
    assert not NotificationPreference.objects.exists()
