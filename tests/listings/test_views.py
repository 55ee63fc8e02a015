"""Listing pages through the HTTP client: author (alice), another member (bob), outsider (charlie)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from listings.models import Campaign, Listing
from skills.models import Skill
from tests.factories import ListingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def form_data(community: Community, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "offer",
        "title": "Coaching on run charts",
        "description": "An hour of coaching on reading run charts.",
        "improvement": "Better use of data on wards",
        "skills": [Skill.objects.get(name="Run charts").pk],
        "scope": community.pk,
        "mode": "remote",
        "place": "",
        "hours": "1.5",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "campaign": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def listing(alice: User, community: Community) -> Listing:
    return ListingFactory(
        author=alice,
        scope=community,
        title="Alice's SPC clinic",
        skills=[Skill.objects.get(name="Statistical process control")],
    )


def test_member_posts_an_offer(alice: User, alice_client: Client, community: Community) -> None:
    response = alice_client.post(reverse("listings:create"), form_data(community))
    listing = Listing.objects.get()
    assert response["Location"] == listing.get_absolute_url()
    assert (listing.author, listing.estimated_minutes, listing.skills_text) == (alice, 90, "Run charts")
    assert listing.is_live


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "Enter a title."),
        ({"title": "x" * 121}, "Ensure this value has at most 120 characters"),
        ({"description": ""}, "Describe what you offer or need."),
        ({"improvement": ""}, "Say which improvement this serves"),
        ({"hours": "0"}, "Estimated hours must be at least 0.25"),
        ({"hours": "0.3"}, "Estimated hours go in quarter hours"),
        ({"hours": "100.25"}, "Estimated hours must be at most 100."),
        ({"hours": "lots"}, "Enter the hours like 1.5 or 1:30."),
        ({"expires_on": "2020-01-01"}, "The date must be in the future."),
        ({"expires_on": "2099-01-01"}, "A listing can be shown for at most a year."),
        ({"expires_on": "31/02/2027"}, "Enter a real date"),
        ({"skills": []}, "Choose at least one QI skill."),
        ({"skills": [999999]}, "999999 is not a skill in the QI skills list."),
        ({"mode": "in_person", "place": ""}, "Say where, for something in person."),
        ({"kind": "gift"}, "Select a valid choice."),
    ],
    ids=lambda value: str(value)[:30],
)
def test_bad_listing_input_gets_a_clear_message_and_nothing_is_saved(
    alice_client: Client, community: Community, overrides: dict[str, object], message: str
) -> None:
    response = alice_client.post(reverse("listings:create"), form_data(community, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Listing.objects.exists()


def test_a_scope_the_author_is_not_in_is_refused(alice_client: Client, community: Community) -> None:
    elsewhere = OrganisationFactory()
    response = alice_client.post(reverse("listings:create"), form_data(community, scope=elsewhere.pk))
    assert "Choose one of your own communities." in response.content.decode()
    assert not Listing.objects.exists()


def test_a_member_without_communities_is_told_to_join_one(db: None) -> None:
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("listings:create"), follow=True)
    assert "Join a community first" in response.content.decode()


def test_who_can_see_a_listing(
    listing: Listing, alice_client: Client, bob_client: Client, charlie_client: Client
) -> None:
    url = listing.get_absolute_url()
    assert "Manage your listing" in alice_client.get(url).content.decode()
    response = bob_client.get(url)
    assert response.status_code == 200
    assert "Manage your listing" not in response.content.decode()
    response = charlie_client.get(url)
    assert response.status_code == 404
    assert "This listing is not available to you." in response.content.decode()
    assert Client().get(url)["Location"].startswith(reverse("account_login"))


def test_only_the_author_edits(
    listing: Listing, alice_client: Client, bob_client: Client, charlie_client: Client, community: Community
) -> None:
    url = reverse("listings:edit", kwargs={"listing_id": listing.pk})
    assert alice_client.get(url).status_code == 200
    assert bob_client.post(url, form_data(community, title="Bob's now")).status_code == 403
    assert charlie_client.post(url, form_data(community, title="Charlie's now")).status_code == 404
    alice_client.post(url, form_data(community, title="Renamed clinic"))
    listing.refresh_from_db()
    assert listing.title == "Renamed clinic"


def test_author_pauses_resumes_closes_and_renews(listing: Listing, alice_client: Client) -> None:
    def act(action: str) -> str:
        url = reverse("listings:status", kwargs={"listing_id": listing.pk, "action": action})
        return alice_client.post(url, follow=True).content.decode()

    assert "Your listing is paused" in act("pause")
    assert "Only an active listing can be paused." in act("pause")
    assert "Your listing is active again." in act("resume")
    assert "Your listing is closed." in act("close")
    listing.refresh_from_db()
    assert listing.status == Listing.Status.CLOSED
    assert "renewed for another 90 days" in act("renew")
    listing.refresh_from_db()
    assert listing.is_live
    assert "That is not something you can do to a listing." in act("explode")


def test_others_cannot_change_status(listing: Listing, bob_client: Client) -> None:
    url = reverse("listings:status", kwargs={"listing_id": listing.pk, "action": "close"})
    assert bob_client.post(url).status_code == 403
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_coordinator_hides_with_a_reason_the_author_sees(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community
) -> None:
    bobs = ListingFactory(author=bob, scope=community, title="Bob's offer")
    hide = reverse("listings:hide", kwargs={"listing_id": bobs.pk})
    response = alice_client.post(hide, {"reason": ""}, follow=True)
    assert "Give a reason: the author will see it." in response.content.decode()
    alice_client.post(hide, {"reason": "Please describe the improvement."})
    bobs.refresh_from_db()
    assert bobs.is_hidden
    assert bobs.hidden_by == alice
    content = bob_client.get(bobs.get_absolute_url()).content.decode()
    assert "Please describe the improvement." in content
    alice_client.post(reverse("listings:unhide", kwargs={"listing_id": bobs.pk}))
    bobs.refresh_from_db()
    assert not bobs.is_hidden


def test_hidden_listing_disappears_for_other_members(listing: Listing, alice: User, bob_client: Client) -> None:
    Listing.objects.filter(pk=listing.pk).update(hidden_at=timezone.now(), hidden_reason="Duplicate")
    assert bob_client.get(listing.get_absolute_url()).status_code == 404


def test_members_cannot_hide(listing: Listing, bob_client: Client, charlie_client: Client) -> None:
    url = reverse("listings:hide", kwargs={"listing_id": listing.pk})
    assert bob_client.post(url, {"reason": "no"}).status_code == 403
    assert charlie_client.post(url, {"reason": "no"}).status_code == 404
    listing.refresh_from_db()
    assert not listing.is_hidden


def test_my_listings_keep_the_history(
    alice: User, alice_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    ListingFactory(author=alice, scope=community, title="Old offer", expires_at=timezone.now() - timedelta(days=1))
    ListingFactory(author=alice, scope=community, title="Live offer")
    content = alice_client.get(reverse("listings:mine")).content.decode()
    assert "Old offer" in content
    assert "Expired" in content
    assert "Live offer" in content
    with django_assert_num_queries(5):  # type: ignore[operator]
        alice_client.get(reverse("listings:mine"))
    for n in range(10):
        ListingFactory(author=alice, scope=community, title=f"More {n}")
    with django_assert_num_queries(5):  # type: ignore[operator]
        alice_client.get(reverse("listings:mine"))


def test_search_page_filters_are_links(listing: Listing, bob_client: Client, charlie_client: Client) -> None:
    url = reverse("listings:search") + "?q=spc&kind=offer&skill=statistical-process-control&sort=newest"
    content = bob_client.get(url).content.decode()
    assert "Alice&#x27;s <mark>SPC</mark> clinic" in content
    assert "1 result" in content
    assert "Alice" not in charlie_client.get(url).content.decode()


def test_search_page_answers_htmx_with_the_results_only(listing: Listing, bob_client: Client) -> None:
    response = bob_client.get(reverse("listings:search") + "?q=clinic", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content
    assert "clinic" in content


def test_bad_search_filters_get_messages_not_errors(listing: Listing, bob_client: Client) -> None:
    elsewhere = OrganisationFactory(slug="far-away")
    url = reverse("listings:search") + f"?skill=juggling&community={elsewhere.slug}&kind=gift&page=abc&q=" + "x" * 300
    response = bob_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is no QI skill called ‘juggling’." in content
    assert "That community is not one whose listings you can see." in content
    assert "Search words can be at most 200 characters." in content


def test_search_page_query_count_is_fixed(
    bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    for n in range(3):
        ListingFactory(scope=community, title=f"Charts {n}", skills=[Skill.objects.get(name="Run charts")])
    url = reverse("listings:search") + "?q=charts"
    bob_client.get(url)
    with django_assert_num_queries(13):  # type: ignore[operator]
        bob_client.get(url)
    for n in range(15):
        ListingFactory(scope=community, title=f"More charts {n}", skills=[Skill.objects.get(name="Coaching")])
    with django_assert_num_queries(13):  # type: ignore[operator]
        response = bob_client.get(url)
    assert len(response.context["results"].hits) == 18
    content = response.content.decode()
    assert '<span class="nhsuk-tag nhsuk-tag--white">Run charts</span>' in content  # from skills_text, no query
    assert '<span class="nhsuk-tag nhsuk-tag--white">Coaching</span>' in content


def test_coordinator_starts_a_campaign_and_listings_join_it(
    alice_client: Client, bob_client: Client, charlie_client: Client, community: Community
) -> None:
    url = reverse("listings:campaign_create", kwargs={"slug": community.slug})
    today = timezone.localdate()
    data = {
        "name": "Green wards",
        "description": "Less waste.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
    }
    assert bob_client.post(url, data).status_code == 403
    assert charlie_client.post(url, data).status_code == 403
    response = alice_client.post(url, data)
    campaign = Campaign.objects.get()
    assert response["Location"] == campaign.get_absolute_url()
    bob_client.post(reverse("listings:create"), form_data(community, campaign=campaign.pk, title="Green offer"))
    content = bob_client.get(campaign.get_absolute_url()).content.decode()
    assert "Green offer" in content
    assert "1 offer" in content
    assert "Green offer" not in charlie_client.get(campaign.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        (0, -1, "The end date must be on or after the start date."),
        (-10, -5, "must not be in the past"),
        (0, 400, "A campaign lasts at most a year."),
    ],
)
def test_bad_campaign_dates_are_refused(
    alice_client: Client, community: Community, starts: int, ends: int, message: str
) -> None:
    today = timezone.localdate()
    data = {
        "name": "Theme",
        "starts_on": (today + timedelta(days=starts)).isoformat(),
        "ends_on": (today + timedelta(days=ends)).isoformat(),
    }
    response = alice_client.post(reverse("listings:campaign_create", kwargs={"slug": community.slug}), data)
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_request_page_suggests_offers_and_members(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    spc = Skill.objects.get(name="Statistical process control")
    bob.profile.skills.set([spc])
    request = ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help", skills=[spc])
    ListingFactory(author=bob, scope=community, title="SPC for beginners", skills=[spc])
    client = Client()
    client.force_login(alice)
    content = client.get(request.get_absolute_url()).content.decode()
    assert "Offers that could help" in content
    assert "SPC for beginners" in content
    assert "Members who could help" in content
    assert "Bob Brown" in content
    assert "shares: Statistical process control" in content


def test_members_directory(
    alice: User, bob_client: Client, charlie_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    alice.profile.skills.set([Skill.objects.get(name="Coaching")])
    url = reverse("accounts:directory")
    assert "Alice Adams" in bob_client.get(url).content.decode()
    assert "Alice Adams" in bob_client.get(url + "?skill=coaching&name=ali").content.decode()
    assert "Alice Adams" not in bob_client.get(url + "?role=carer").content.decode()
    assert "Alice Adams" not in charlie_client.get(url).content.decode()
    assert "There is no QI skill called ‘x’." in bob_client.get(url + "?skill=x").content.decode()
    with django_assert_num_queries(8):  # type: ignore[operator]
        bob_client.get(url)
    from tests.factories import MembershipFactory

    for _ in range(10):
        MembershipFactory(community=community)
    with django_assert_num_queries(8):  # type: ignore[operator]
        response = bob_client.get(url)
    assert response.context["page"].paginator.count == 11  # alice and the ten, never bob himself
