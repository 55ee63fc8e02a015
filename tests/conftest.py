"""Shared fixtures. The personas follow healthchecks' habit: alice the owner or coordinator,
bob another member of the same community, charlie an outsider who shares no community."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from communities.models import Community, Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def community(db: None) -> Community:
    return OrganisationFactory(name="Riverside Hospital", slug="riverside")


@pytest.fixture
def alice(community: Community) -> User:
    """Coordinator of the community."""
    user = UserFactory(email="alice@example.org", profile__display_name="Alice Adams")
    MembershipFactory(member=user, community=community, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def bob(community: Community) -> User:
    """An ordinary active member of the same community."""
    user = UserFactory(email="bob@example.org", profile__display_name="Bob Brown")
    MembershipFactory(member=user, community=community)
    return user


@pytest.fixture
def charlie(db: None) -> User:
    """An outsider: signed up, but in another community."""
    user = UserFactory(email="charlie@example.org", profile__display_name="Charlie Clark")
    MembershipFactory(member=user, community=OrganisationFactory(name="Elsewhere Trust", slug="elsewhere"))
    return user


@pytest.fixture
def alice_client(alice: User) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return client_for(bob)


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    return client_for(charlie)
