"""No GET writes: sign-up creates the profile, member pages only read it.

A user made another way (createsuperuser) has no profile; every page they open leaves the
database as it was and sends them to onboarding, whose form saves the profile.
"""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from tests.accounts.test_profiles import valid_profile_data

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def no_profile() -> User:
    user = User.objects.create_user(email="admin@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def no_profile_client(no_profile: User) -> Client:
    client = Client()
    client.force_login(no_profile)
    return client


def test_pages_a_member_without_a_profile_opens_write_nothing(
    no_profile: User, no_profile_client: Client, alice: User
) -> None:
    welcome = reverse("accounts:welcome")
    assert no_profile_client.get(reverse("accounts:dashboard"))["Location"] == welcome
    own = reverse("accounts:profile", kwargs={"member_id": no_profile.pk})
    assert no_profile_client.get(own)["Location"] == welcome
    other = reverse("accounts:profile", kwargs={"member_id": alice.pk})
    assert no_profile_client.get(other).status_code == 404  # no shared community
    response = no_profile_client.get(welcome)
    assert response.status_code == 200
    assert "Tell other members about yourself" in response.content.decode()
    assert no_profile_client.get(reverse("accounts:profile_edit")).status_code == 200
    assert not Profile.objects.filter(user=no_profile).exists()


def test_logging_in_without_a_profile_goes_to_onboarding_and_writes_no_profile(no_profile: User) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": no_profile.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:welcome")
    assert not Profile.objects.filter(user=no_profile).exists()


def test_completing_onboarding_creates_the_profile(no_profile: User, no_profile_client: Client) -> None:
    response = no_profile_client.post(reverse("accounts:welcome"), valid_profile_data(display_name="Ada"))
    assert response["Location"] == reverse("communities:directory")
    profile = Profile.objects.get(user=no_profile)
    assert profile.display_name == "Ada"
    assert profile.onboarded_at is not None
