"""Profiles: who may see them, editing with clear messages, onboarding and the dashboard."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from communities.models import Community, Membership
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_url(user: User) -> str:
    return reverse("accounts:profile", kwargs={"member_id": user.pk})


def test_owner_sees_own_profile_with_edit_link(alice: User, alice_client: Client) -> None:
    response = alice_client.get(profile_url(alice))
    assert response.status_code == 200
    assert "Alice Adams" in response.content.decode()
    assert reverse("accounts:profile_edit") in response.content.decode()


def test_member_of_a_shared_community_sees_profile_but_never_the_email(alice: User, bob_client: Client) -> None:
    response = bob_client.get(profile_url(alice))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Alice Adams" in content
    assert "alice@example.org" not in content
    assert reverse("accounts:profile_edit") not in content


def test_outsider_gets_a_404_that_explains_the_rule(alice: User, charlie_client: Client) -> None:
    response = charlie_client.get(profile_url(alice))
    assert response.status_code == 404
    content = response.content.decode()
    assert "share a community with you" in content
    assert "Alice Adams" not in content


def test_unknown_member_looks_the_same_as_a_hidden_one(charlie_client: Client) -> None:
    response = charlie_client.get(reverse("accounts:profile", kwargs={"member_id": 999999}))
    assert response.status_code == 404
    assert "share a community with you" in response.content.decode()


def test_pending_or_left_membership_does_not_reveal_profiles(alice: User, community: Community) -> None:
    dave = UserFactory()
    MembershipFactory(member=dave, community=community, status=Membership.Status.PENDING)
    client = Client()
    client.force_login(dave)
    assert client.get(profile_url(alice)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(alice: User) -> None:
    response = Client().get(profile_url(alice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def valid_profile_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": "Alice A.",
        "pronouns": "she/her",
        "role": "analyst",
        "organisation": "Riverside",
        "bio": "I like charts.",
        "skills": [Skill.objects.get(name="Run charts").pk, Skill.objects.get(name="Coaching").pk],
        "availability": "Tuesdays",
        "preferred_mode": "remote",
    }
    data.update(overrides)
    return data


def test_owner_edits_profile(alice: User, alice_client: Client) -> None:
    response = alice_client.post(reverse("accounts:profile_edit"), valid_profile_data())
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice)
    assert profile.display_name == "Alice A."
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Coaching", "Run charts"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"display_name": "   "}, "Enter the name other members will see."),
        ({"display_name": "x" * 81}, "Ensure this value has at most 80 characters"),
        ({"role": "surgeon-general"}, "Select a valid choice."),
        ({"skills": [999999]}, "Select a valid choice. 999999 is not one of the available choices."),
        ({"bio": "b" * 1001}, "Ensure this value has at most 1000 characters"),
        ({"preferred_mode": "telepathy"}, "Select a valid choice."),
        ({"region": "999999"}, "Select a valid choice."),
    ],
    ids=["blank-name", "long-name", "bad-role", "unknown-skill", "long-bio", "bad-mode", "unknown-region"],
)
def test_bad_profile_input_gets_a_field_message_and_changes_nothing(
    alice: User, alice_client: Client, overrides: dict[str, object], message: str
) -> None:
    before = Profile.objects.get(user=alice).display_name
    response = alice_client.post(reverse("accounts:profile_edit"), valid_profile_data(**overrides))
    assert response.status_code == 200
    content = response.content.decode()
    assert "nhsuk-error-summary" in content
    assert message in content
    assert Profile.objects.get(user=alice).display_name == before


def test_new_member_is_taken_through_onboarding(db: None) -> None:
    user = UserFactory(profile__onboarded_at=None, profile__display_name="")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:welcome")
    response = client.get(reverse("accounts:welcome"))
    assert "Tell other members about yourself" in response.content.decode()
    response = client.post(reverse("accounts:welcome"), valid_profile_data(display_name="Nia"))
    assert response["Location"] == reverse("communities:directory")
    profile = Profile.objects.get(user=user)
    assert profile.onboarded_at is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    # Once onboarded, the welcome page hands over to the ordinary editor.
    assert client.get(reverse("accounts:welcome"))["Location"] == reverse("accounts:profile_edit")


def test_dashboard_shows_communities_applications_and_next_steps(
    alice: User, alice_client: Client, community: Community
) -> None:
    MembershipFactory(community=community, status=Membership.Status.PENDING)
    response = alice_client.get(reverse("accounts:dashboard"))
    content = response.content.decode()
    assert "Hello, Alice Adams" in content
    assert "Riverside Hospital" in content
    assert "1 application to Riverside Hospital" in content
    assert "Protect your account with two-factor authentication" in content
    assert "Complete your profile" in content  # bio, organisation and more are missing
    assert response.context["completeness"].percent == 29


def test_dashboard_query_count_does_not_grow_with_memberships(
    alice: User, alice_client: Client, django_assert_num_queries: object
) -> None:
    for _ in range(3):
        MembershipFactory(member=alice)
    alice_client.get(reverse("accounts:dashboard"))
    with django_assert_num_queries(21):  # type: ignore[operator]
        alice_client.get(reverse("accounts:dashboard"))
    for _ in range(10):
        community = MembershipFactory(member=alice, role=Membership.Role.COORDINATOR).community
        MembershipFactory(community=community, status=Membership.Status.PENDING)
    with django_assert_num_queries(21):  # type: ignore[operator]
        alice_client.get(reverse("accounts:dashboard"))


def test_dashboard_suggestion_queries_are_bounded(
    alice: User, alice_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    """Offers are matched for the member's five newest requests at most, so more requests add nothing."""
    skill = Skill.objects.get(name="Run charts")
    for n in range(5):
        ListingFactory(author=alice, scope=community, kind="request", title=f"Request {n}", skills=[skill])
        ListingFactory(scope=community, title=f"Offer {n}", skills=[skill])
    alice_client.get(reverse("accounts:dashboard"))
    with django_assert_num_queries(47):  # type: ignore[operator]
        alice_client.get(reverse("accounts:dashboard"))
    for n in range(10):
        ListingFactory(author=alice, scope=community, kind="request", title=f"More {n}", skills=[skill])
    with django_assert_num_queries(47):  # type: ignore[operator]
        response = alice_client.get(reverse("accounts:dashboard"))
    assert len(response.context["offers_for_you"]) == 5
