"""Staff see notifications, choices and the outbox in the admin, and cannot change them there."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.kinds import Delivery, Kind
from notifications.models import NotificationPreference, OutboundEmail
from tests.factories import UserFactory
from tests.notifications.helpers import notify_now
from tests.support.clients import admin_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db: None) -> Client:
    return admin_client_for(UserFactory(email="staff@example.org", is_staff=True, is_superuser=True))


def test_staff_see_each_list_read_only(staff_client: Client, bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    NotificationPreference.objects.create(member=bob, kind=Kind.MESSAGE, delivery=Delivery.DAILY)
    outbox = staff_client.get(reverse("admin:notifications_outboundemail_changelist")).content.decode()
    assert "notification:" in outbox
    assert "Waiting to be sent" in outbox
    for model in ("notification", "notificationpreference", "outboundemail"):
        assert staff_client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:notifications_{model}_add")).status_code == 403
    outbound = OutboundEmail.objects.get()
    page = staff_client.get(reverse("admin:notifications_outboundemail_change", args=[outbound.pk]))
    assert page.status_code == 200
    staff_client.post(reverse("admin:notifications_outboundemail_change", args=[outbound.pk]), {"state": "sent"})
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.PENDING
