"""Issue 10: the communities list and the application form say plainly how joining works."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_list_says_who_approves_new_members(db: None) -> None:
    OrganisationFactory(name="Open Trust", join_policy=Community.JoinPolicy.OPEN)
    OrganisationFactory(name="Careful Trust", join_policy=Community.JoinPolicy.APPROVAL)
    page = Client().get(reverse("communities:directory")).content.decode()
    careful = page.split("Careful Trust")[1].split("</li>")[0]
    open_ = page.split("Open Trust")[1].split("</li>")[0]
    assert "Coordinators approve new members" in careful
    assert "open to all" in open_
    assert "Coordinators approve" not in open_


def test_the_application_note_says_optional_once(charlie: User, charlie_client: Client) -> None:
    OrganisationFactory(slug="careful", join_policy=Community.JoinPolicy.APPROVAL)
    page = charlie_client.get(reverse("communities:detail", kwargs={"slug": "careful"})).content.decode()
    assert "Why would you like to join?" in page
    assert page.count("(optional)") == 1
