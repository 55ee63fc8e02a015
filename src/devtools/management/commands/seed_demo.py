"""Load the demo network (idempotent): run it as often as you like; it adds only what is missing."""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from communities.models import Community, Membership
from devtools import demo_data as demo
from devtools.guard import add_disposable_argument, require_demo_only_database
from listings.actions import ListingData, do_create_listing
from listings.models import DEFAULT_LIFETIME, Campaign, Listing
from skills.models import Skill


class Command(BaseCommand):
    help = "Load the demo communities and members (idempotent) and print their logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        add_disposable_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo_only_database(options=options)
        with transaction.atomic():
            created = self.seed()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} new members."))
        if not options["quiet_logins"]:
            self.print_logins()

    def seed(self) -> int:
        communities = self.seed_communities()
        skills = {skill.name: skill for skill in Skill.objects.all()}
        created = 0
        for key, name, pronouns, role, org, skill_names, availability, mode in demo.MEMBERS:
            user, is_new = self.ensure_user(demo.demo_email(key))
            created += is_new
            if is_new:
                organisation = communities[org]
                assert organisation.parent is not None
                profile = Profile.objects.create(
                    user=user,
                    display_name=name,
                    pronouns=pronouns,
                    role=role,
                    organisation=organisation.name,
                    region=organisation.parent,
                    bio=f"{name.split()[0]} works on improvement at {organisation.name}.",
                    availability=availability,
                    preferred_mode=mode,
                    onboarded_at=timezone.now(),
                )
                profile.skills.set([skills[s] for s in skill_names])
                self.seed_memberships(key, user, communities[org], communities)
        self.seed_listings(communities, skills)
        admin, is_new = self.ensure_user(demo.demo_email("admin"), staff=True)
        if is_new:
            Profile.objects.create(user=admin, display_name="Hexitime Admin", role="other", onboarded_at=timezone.now())
        return created

    def seed_listings(self, communities: dict[str, Community], skills: dict[str, Skill]) -> None:
        slug, name, community_slug, description = demo.CAMPAIGN
        today = timezone.localdate()
        campaign, _ = Campaign.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "community": communities[community_slug],
                "description": description,
                "starts_on": today - timedelta(days=7),
                "ends_on": today + timedelta(days=120),
            },
        )
        for key, kind, title, description, improvement, skill_names, scope, mode, hours in demo.LISTINGS:
            author = User.objects.get(email=demo.demo_email(key))
            if Listing.objects.filter(author=author, title=title).exists():
                continue
            do_create_listing(
                author=author,
                data=ListingData(
                    kind=kind,
                    title=title,
                    description=description,
                    improvement=improvement,
                    skills=[skills[s] for s in skill_names],
                    scope=communities[scope],
                    mode=mode,
                    place="Exeter" if mode == "in_person" else "",
                    estimated_minutes=int(hours * 60),
                    expires_at=timezone.now() + DEFAULT_LIFETIME,
                    campaign=campaign if title in demo.CAMPAIGN_LISTINGS else None,
                ),
            )

    def ensure_user(self, email: str, staff: bool = False) -> tuple[User, bool]:
        user = User.objects.filter(email=email).first()
        if user:
            return user, False
        user = User.objects.create_user(email, demo.DEMO_PASSWORD, is_staff=staff, is_superuser=staff)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user, True

    def seed_communities(self) -> dict[str, Community]:
        slug, name, description = demo.NATION
        nation, _ = Community.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": "nation", "description": description, "join_policy": "open"},
        )
        result = {slug: nation}
        for slug, name, description in demo.REGIONS:
            result[slug], _ = Community.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": "region",
                    "parent": nation,
                    "description": description,
                    "join_policy": "open",
                },
            )
        for slug, name, region, policy, description in demo.ORGANISATIONS:
            result[slug], _ = Community.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": "organisation",
                    "parent": result[region],
                    "description": description,
                    "join_policy": policy,
                },
            )
        return result

    def seed_memberships(
        self, key: str, user: User, organisation: Community, communities: dict[str, Community]
    ) -> None:
        assert organisation.parent is not None
        home = [organisation, organisation.parent, communities[demo.NATION[0]]]
        coordinated = {communities[slug] for slug in demo.COORDINATORS.get(key, [])}
        for community in {*home, *coordinated}:
            role = Membership.Role.COORDINATOR if community in coordinated else Membership.Role.MEMBER
            Membership.objects.get_or_create(
                member=user, community=community, defaults={"role": role, "status": Membership.Status.ACTIVE}
            )
        if key in demo.PENDING:
            Membership.objects.get_or_create(
                member=user,
                community=communities[demo.PENDING[key]],
                defaults={"status": Membership.Status.PENDING, "application_note": "I'd love to learn from your team."},
            )

    def print_logins(self) -> None:
        out = self.stdout.write
        out("")
        out(self.style.MIGRATE_HEADING(f"Demo logins (password for every one: {demo.DEMO_PASSWORD})"))
        out(f"  {demo.demo_email('admin'):<32} staff: the Django admin at /admin/")
        names = {key: name for key, name, *_rest in demo.MEMBERS}
        for key, slugs in demo.COORDINATORS.items():
            out(f"  {demo.demo_email(key):<32} {names[key]}, coordinator of {', '.join(slugs)}")
        others = [key for key, *_rest in demo.MEMBERS if key not in demo.COORDINATORS]
        for key in others[:4]:
            out(f"  {demo.demo_email(key):<32} {names[key]}, member")
        out(f"  ...and {len(others) - 4} more members: <first name>@{demo.DEMO_DOMAIN}")
        out("")
