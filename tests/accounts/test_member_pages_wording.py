"""Issue 10: the dashboard, welcome and members directory say what is true for the member reading them."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from skills.models import Skill
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def dashboard(client: Client) -> str:
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_with_skills_and_no_matching_request_is_told_to_browse_or_widen(bob: User, bob_client: Client) -> None:
    bob.profile.skills.set([Skill.objects.get(name="Run charts")])
    page = dashboard(bob_client)
    assert "Add skills to your profile" not in page
    assert "No open request needs your skills right now." in page
    assert f'href="{reverse("listings:search")}?kind=request">Browse all requests</a>' in page
    assert "join a wider community" in page


def test_a_member_without_skills_is_told_to_add_them(bob: User, bob_client: Client) -> None:
    assert not bob.profile.skills.exists()
    page = dashboard(bob_client)
    assert f'<a href="{reverse("accounts:profile_edit")}">Add skills to your profile</a>' in page
    assert "No open request needs your skills" not in page


def test_your_role_says_application_waiting_or_declined(bob: User, bob_client: Client) -> None:
    MembershipFactory(member=bob, community=OrganisationFactory(name="Pending Trust"), status="pending")
    MembershipFactory(member=bob, community=OrganisationFactory(name="Declined Trust"), status="declined")
    page = dashboard(bob_client)
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split('<tr class="nhsuk-table__row">')[2:]}
    assert '<td class="nhsuk-table__cell">Application waiting</td>' in rows["Pending Trust"]
    assert '<td class="nhsuk-table__cell">Application declined</td>' in rows["Declined Trust"]
    assert '<td class="nhsuk-table__cell">Member</td>' in rows["Riverside Hospital"]


def test_welcome_does_not_promise_a_step_two_that_never_comes(db: None) -> None:
    from tests.factories import UserFactory
    from tests.support.clients import client_for

    newcomer = UserFactory(profile__onboarded_at=None)
    page = client_for(newcomer).get(reverse("accounts:welcome")).content.decode()
    assert "Step 1 of 2" not in page
    assert "After this, you choose a community to join" in page


def test_members_directory_leaves_out_the_viewer(
    alice: User, bob: User, bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    page = bob_client.get(reverse("accounts:directory")).content.decode()
    assert "Alice Adams" in page
    assert "Bob Brown" not in page.split('<ul class="hx-listings">')[1]
    assert "1 member<" in page


def test_members_directory_query_count_is_unchanged(
    bob: User, bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    from tests.factories import UserFactory

    for _n in range(5):
        MembershipFactory(member=UserFactory(), community=community, status=Membership.Status.ACTIVE)
    bob_client.get(reverse("accounts:directory"))  # warm the session
    with django_assert_num_queries(8):  # type: ignore[operator]
        bob_client.get(reverse("accounts:directory"))
