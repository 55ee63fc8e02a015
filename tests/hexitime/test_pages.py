"""Site-wide behaviour: the home page, error pages in the site's design and CSP."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community, Membership
from skills.models import Skill, SkillCategory
from skills.taxonomy import TAXONOMY
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_home_explains_hexitime_and_how_to_join() -> None:
    content = Client().get(reverse("home")).content.decode()
    assert "timebank and skill exchange for people who improve healthcare" in content
    assert content.count("<li><strong>") == 7  # the seven principles
    assert reverse("account_signup") in content


def test_header_shows_the_signed_in_member(alice_client: Client) -> None:
    content = alice_client.get(reverse("home")).content.decode()
    assert "Logged in as" in content
    assert "Alice Adams" in content
    assert "Log out" in content


def test_pages_send_a_strict_content_security_policy() -> None:
    response = Client().get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_templates_have_no_inline_script_or_style() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_unknown_page_is_a_404_in_the_site_design() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert "nhsuk-header" in content


def test_community_page_query_count_does_not_grow_with_coordinators(
    bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    for _ in range(2):
        MembershipFactory(community=community, role=Membership.Role.COORDINATOR)
    with django_assert_num_queries(11):  # type: ignore[operator]
        bob_client.get(community.get_absolute_url())
    for _ in range(6):
        MembershipFactory(community=community, role=Membership.Role.COORDINATOR)
    with django_assert_num_queries(11):  # type: ignore[operator]
        response = bob_client.get(community.get_absolute_url())
    assert len(response.context["coordinators"]) == 8


def test_the_skills_taxonomy_is_seeded_by_migration() -> None:
    assert SkillCategory.objects.count() == len(TAXONOMY)
    assert Skill.objects.count() == sum(len(skills) for skills in TAXONOMY.values())
    assert Skill.objects.get(name="Statistical process control").category.name == "Measurement and data"


@pytest.mark.parametrize(("minutes", "text"), [(15, "15 min"), (60, "1 h"), (90, "1 h 30 min"), (6000, "100 h")])
def test_durations_read_as_hours_and_minutes(minutes: int, text: str) -> None:
    from hexitime.templatetags.hexitime import duration

    assert duration(minutes) == text
