"""People around Riverside for the tests of coordinators' powers (besides alice, bob and charlie).

Riverside Hospital is an organisation in a region in a nation (tests.factories). erin is a second
coordinator of Riverside, rhea coordinates its region, sam coordinates a sibling organisation in the
same region, and dora is another ordinary member of Riverside.
"""

import pytest

from accounts.models import User
from communities.models import Community, Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def _person(email: str, name: str, community: Community, role: str = Membership.Role.MEMBER) -> User:
    user = UserFactory(email=email, profile__display_name=name)
    MembershipFactory(member=user, community=community, role=role)
    return user


@pytest.fixture
def dora(community: Community) -> User:
    """Another member of Riverside: reversals reach only transfers with both sides inside the community."""
    return _person("dora@example.org", "Dora Dean", community)


@pytest.fixture
def erin(community: Community) -> User:
    """A second coordinator of Riverside."""
    return _person("erin@example.org", "Erin Evans", community, Membership.Role.COORDINATOR)


@pytest.fixture
def region(community: Community) -> Community:
    assert community.parent is not None
    return community.parent


@pytest.fixture
def rhea(region: Community) -> User:
    """A coordinator of the region Riverside belongs to."""
    return _person("rhea@example.org", "Rhea Reid", region, Membership.Role.COORDINATOR)


@pytest.fixture
def sibling(region: Community) -> Community:
    return OrganisationFactory(name="Hilltop Clinic", slug="hilltop", parent=region)


@pytest.fixture
def sam(sibling: Community) -> User:
    """A coordinator of Hilltop, another organisation in the same region."""
    return _person("sam@example.org", "Sam Scott", sibling, Membership.Role.COORDINATOR)
