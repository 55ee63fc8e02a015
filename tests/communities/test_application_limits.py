"""Applying and withdrawing in a loop: coordinators hear of it once a day, and the applications stop."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.actions import MAX_APPLICATIONS_PER_WINDOW
from communities.models import Community, Membership, MembershipEvent
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def apply(client: Client, community: Community) -> str:
    response = client.post(reverse("communities:join", kwargs={"slug": community.slug}), {"note": "Hi"}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def withdraw(client: Client, community: Community) -> None:
    response = client.post(reverse("communities:leave", kwargs={"slug": community.slug}))
    assert response.status_code == 302


def applications_told(coordinator: User) -> int:
    return Notification.objects.filter(recipient=coordinator, kind=Kind.MEMBERSHIP_APPLICATION).count()


def applied_events(member: User) -> int:
    return MembershipEvent.objects.filter(membership__member=member, kind=MembershipEvent.Kind.APPLIED).count()


def test_a_member_applying_again_and_again_is_announced_once_then_refused(
    alice: User, charlie: User, charlie_client: Client, community: Community
) -> None:
    assert MAX_APPLICATIONS_PER_WINDOW == 3
    for _n in range(3):
        assert "has been sent to its coordinators" in apply(charlie_client, community)
        withdraw(charlie_client, community)
    assert applications_told(alice) == 1  # the first application only
    assert applied_events(charlie) == 3

    content = apply(charlie_client, community)
    assert "You have applied to join Riverside Hospital 3 times in the last 24 hours." in content
    assert "You can apply again from" in content
    membership = Membership.objects.get(member=charlie, community=community)
    assert membership.status == Membership.Status.LEFT  # nothing changed
    assert applied_events(charlie) == 3
    assert applications_told(alice) == 1


def test_after_a_day_a_member_can_apply_again_and_coordinators_hear_of_it(
    alice: User, charlie: User, charlie_client: Client, community: Community
) -> None:
    for _n in range(3):
        apply(charlie_client, community)
        withdraw(charlie_client, community)
    for event in MembershipEvent.objects.filter(membership__member=charlie):  # a day and an hour ago
        MembershipEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - timedelta(hours=25))
    assert "has been sent to its coordinators" in apply(charlie_client, community)
    assert Membership.objects.get(member=charlie, community=community).status == Membership.Status.PENDING
    assert applications_told(alice) == 2


def test_applications_to_different_communities_are_counted_apart(
    alice: User, charlie: User, charlie_client: Client, community: Community
) -> None:
    for _n in range(3):
        apply(charlie_client, community)
        withdraw(charlie_client, community)
    other = OrganisationFactory(name="Hillside Trust", slug="hillside", parent=community.parent)
    assert "has been sent to its coordinators" in apply(charlie_client, other)
    assert Membership.objects.get(member=charlie, community=other).status == Membership.Status.PENDING
