"""The weekly-digest suggestions, through the management command."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from communities.models import Community
from skills.models import Skill
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("suggest_matches", *args, stdout=out)
    return out.getvalue()


def test_member_with_matching_requests_gets_them(alice: User, bob: User, community: Community) -> None:
    spc = Skill.objects.get(name="Statistical process control")
    alice.profile.skills.set([spc])
    request = ListingFactory(author=bob, scope=community, kind="request", title="SPC please", skills=[spc])
    output = run("--email", "ALICE@example.org")
    assert "Requests you could help with" in output
    assert f"SPC please (#{request.pk}): shares: Statistical process control; same organisation" in output
    assert "1 of 2 members have suggestions this week." in run()


def test_nothing_to_say_is_said_plainly(bob: User) -> None:
    assert "Nothing to suggest to Bob Brown this week." in run("--email", "bob@example.org")


def test_unknown_member_and_bad_limit_are_clear_errors(db: None) -> None:
    with pytest.raises(CommandError, match=re.escape("No active member has the e-mail address 'nobody@example.org'")):
        run("--email", "nobody@example.org")
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        run("--limit", "0")
