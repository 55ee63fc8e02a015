"""factory_boy factories for tests: members (verified, onboarded), communities and memberships."""

from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Profile, User
from communities.models import Community, Membership
from listings.search_index import skill_ids_text

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=extracted is not False, primary=True)

    @factory.post_generation
    def profile(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            defaults = {
                "display_name": f"Member {self.email.split('@')[0]}",
                "role": Profile.Role.QI_LEAD,
                "onboarded_at": timezone.now(),
            }
            defaults.update(kwargs)
            Profile.objects.create(user=self, **defaults)


class NationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Nation {n}")
    slug = factory.Sequence(lambda n: f"nation-{n}")
    kind = Community.Kind.NATION
    join_policy = Community.JoinPolicy.OPEN
    description = "A national community."


class RegionFactory(NationFactory):
    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Community.Kind.REGION
    parent = factory.SubFactory(NationFactory)


class OrganisationFactory(NationFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Community.Kind.ORGANISATION
    join_policy = Community.JoinPolicy.APPROVAL
    parent = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(UserFactory)
    community = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE


class ListingFactory(factory.django.DjangoModelFactory):
    """A live offer by a member of its scope. Pass skills=[...] to set skills (and the search text)."""

    class Meta:
        model = "listings.Listing"
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    kind = "offer"
    title = factory.Sequence(lambda n: f"Listing {n}")
    description = "Help with an improvement project."
    improvement = "Shorter waits in outpatients"
    scope = factory.SubFactory(OrganisationFactory)
    mode = "either"
    estimated_minutes = 60
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))

    @factory.post_generation
    def skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.skills.set(extracted)
            self.skills_text = ", ".join(sorted(skill.name for skill in extracted))
            self.skill_ids = skill_ids_text(skill.pk for skill in extracted)
            self.save(update_fields=["skills_text", "skill_ids"])
