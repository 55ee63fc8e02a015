"""Setting a community's limits, through the HTTP client.

alice coordinates Riverside, bob is a member, charlie an outsider.
Every refusal shows a message and leaves every balance and transfer as it was.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from ledger.models import LimitPolicy
from tests.ledger.helpers import fund_url
from tests.support.clients import client_for
from tests.support.pages import text

pytestmark = pytest.mark.django_db

BALANCE = reverse("ledger:balance")


# --- limits ---------------------------------------------------------------------------------------


def limits_data(**overrides: str) -> dict[str, str]:
    data = {
        "member_overdraft": "8",
        "warning_threshold": "1.5",
        "grows_with_given": "on",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != "omit"}


def test_a_coordinator_sees_the_current_limits(alice_client: Client, community: Community) -> None:
    form = alice_client.get(fund_url("limits", community)).context["form"]
    assert {name: str(form[name].value()) for name in form.fields} == {
        "member_overdraft": "5",
        "warning_threshold": "1",
        "grows_with_given": "False",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }


def test_a_coordinator_sets_the_limits(alice: User, alice_client: Client, bob: User, community: Community) -> None:
    response = alice_client.post(fund_url("limits", community), limits_data(), follow=True)
    assert "The limits of Riverside Hospital are saved." in text(response)
    policy = LimitPolicy.objects.get(community=community)
    assert (
        policy.member_overdraft,
        policy.warning_threshold,
        policy.grows_with_given,
        policy.growth_cap,
        policy.fund_overdraft,
        policy.updated_by,
    ) == (480, 90, True, 1200, 0, alice)
    assert "Your limit 8 h below zero" in text(client_for(bob).get(BALANCE))
    assert "8 hours, growing with the hours you give, up to 20 hours." in text(client_for(bob).get(BALANCE))
    form = alice_client.get(fund_url("limits", community)).context["form"]
    assert str(form["warning_threshold"].value()) == "1.5"


def test_a_cap_below_the_limit_is_raised_when_the_limit_does_not_grow(
    alice_client: Client, community: Community
) -> None:
    alice_client.post(
        fund_url("limits", community), limits_data(member_overdraft="10", growth_cap="4", grows_with_given="omit")
    )
    policy = LimitPolicy.objects.get(community=community)
    assert (policy.member_overdraft, policy.grows_with_given, policy.growth_cap) == (600, False, 600)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"member_overdraft": "2.1"}, "Hours go in quarter hours"),
        ({"member_overdraft": "-1"}, "Enter at least 0 hours."),
        ({"member_overdraft": "51"}, "Enter at most 50 hours."),
        ({"warning_threshold": "26"}, "Enter at most 25 hours."),
        ({"fund_overdraft": "50.25"}, "Enter at most 50 hours."),
        ({"growth_cap": "4"}, "The largest limit must be at least the limit members start with (8 hours)."),
        ({"fund_overdraft": ""}, "Enter the number of hours."),
    ],
)
def test_refused_limits_say_why_and_change_nothing(
    alice_client: Client, community: Community, overrides: dict[str, str], message: str
) -> None:
    response = alice_client.post(fund_url("limits", community), limits_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not LimitPolicy.objects.exists()


def test_members_and_outsiders_cannot_set_limits(
    bob_client: Client, charlie_client: Client, community: Community
) -> None:
    for client in (bob_client, charlie_client):
        assert client.post(fund_url("limits", community), limits_data()).status_code == 403
    assert not LimitPolicy.objects.exists()
