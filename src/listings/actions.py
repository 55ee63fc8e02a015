"""Every change to listings and campaigns, each in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from audit import trail
from communities.models import Community
from listings import access, errors, notices
from listings.models import DEFAULT_LIFETIME, Campaign, Listing
from listings.search_index import skill_ids_text
from skills.models import Skill


@dataclass
class ListingData:
    """Validated fields of a listing (the form checks each; actions trust them)."""

    kind: str
    title: str
    description: str
    improvement: str
    skills: list[Skill]
    scope: Community
    mode: str
    place: str
    estimated_minutes: int
    expires_at: datetime
    campaign: Campaign | None


def _skills_text(skills: list[Skill]) -> str:
    return ", ".join(sorted(skill.name for skill in skills))


def _apply(listing: Listing, data: ListingData) -> Listing:
    for name in (
        "kind",
        "title",
        "description",
        "improvement",
        "scope",
        "mode",
        "place",
        "estimated_minutes",
        "expires_at",
        "campaign",
    ):
        setattr(listing, name, getattr(data, name))
    listing.skills_text = _skills_text(data.skills)
    listing.skill_ids = skill_ids_text(skill.pk for skill in data.skills)
    listing.save()
    listing.skills.set(data.skills)
    return listing


@transaction.atomic
def do_create_listing(*, author: User, data: ListingData) -> Listing:
    listing = _apply(Listing(author=author), data)
    trail.record(actor=author, verb="listings.create", target=listing, community=data.scope, kind=data.kind)
    return listing


@transaction.atomic
def do_update_listing(*, listing: Listing, data: ListingData) -> Listing:
    """The author edits a listing. The caller has checked it is theirs."""
    listing = _apply(Listing.objects.select_for_update().get(pk=listing.pk), data)
    trail.record(actor=listing.author, verb="listings.update", target=listing, community=data.scope)
    return listing


def _locked(listing: Listing) -> Listing:
    return Listing.objects.select_for_update().get(pk=listing.pk)


def _move(listing: Listing, *, allowed: set[str], to: str, refusal: str) -> Listing:
    """Change a listing's status under a lock, if it is in one of the allowed statuses."""
    locked = _locked(listing)
    if locked.status not in allowed:
        raise errors.InvalidState(refusal)
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    trail.record(actor=locked.author, verb=f"listings.{to}", target=locked, community_id=locked.scope_id, status=to)
    return locked


@transaction.atomic
def do_pause_listing(*, listing: Listing) -> Listing:
    Status = Listing.Status
    return _move(listing, allowed={Status.ACTIVE}, to=Status.PAUSED, refusal=_("Only an active listing can be paused."))


@transaction.atomic
def do_resume_listing(*, listing: Listing) -> Listing:
    Status = Listing.Status
    return _move(listing, allowed={Status.PAUSED}, to=Status.ACTIVE, refusal=_("Only a paused listing can be resumed."))


@transaction.atomic
def do_close_listing(*, listing: Listing) -> Listing:
    Status = Listing.Status
    allowed: set[str] = {Status.ACTIVE, Status.PAUSED}
    return _move(listing, allowed=allowed, to=Status.CLOSED, refusal=_("This listing is already closed."))


@transaction.atomic
def do_renew_listing(*, listing: Listing) -> Listing:
    """Give a listing another default lifetime from now, and make it active again."""
    locked = _locked(listing)
    locked.expires_at = timezone.now() + DEFAULT_LIFETIME
    locked.status = Listing.Status.ACTIVE
    locked.save(update_fields=["expires_at", "status", "updated_at"])
    trail.record(
        actor=locked.author,
        verb="listings.renew",
        target=locked,
        community_id=locked.scope_id,
        expires_at=locked.expires_at,
    )
    return locked


@transaction.atomic
def do_hide_listing(*, coordinator: User, listing: Listing, reason: str) -> Listing:
    """A coordinator of the listing's scope hides it; the author sees the reason.

    The hide records the community it was made in (the scope then): moving the listing later does
    not move the hide. A listing already hidden elsewhere can be hidden again (a new reason) only by
    someone who could lift that hide, so nobody takes a hide over by hiding it a second time.
    """
    if not reason.strip():
        raise errors.InvalidState(_("Give a reason: the author will see it."))
    if listing.author_id == coordinator.pk:
        raise errors.NotAllowed(_("This is your own listing: pause or close it instead."))
    locked = _locked(listing)
    if locked.hidden_at is not None and not access.can_restore(coordinator, locked):
        raise errors.NotAllowed(access.restore_refusal(coordinator, locked))
    already_told = locked.hidden_at is not None and locked.hidden_reason == reason.strip()
    if locked.hidden_at is None:
        locked.hidden_in = locked.scope
    locked.hidden_at = timezone.now()
    locked.hidden_by = coordinator
    locked.hidden_reason = reason.strip()
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "hidden_in", "updated_at"])
    trail.record(
        actor=coordinator, verb="listings.hide", target=locked, community_id=locked.hidden_in_id, reason=reason.strip()
    )
    if not already_told:  # a second click on "hide" with the same reason tells the author nothing new
        notices.listing_hidden(locked, coordinator)
    return locked


@transaction.atomic
def do_unhide_listing(*, coordinator: User, listing: Listing) -> Listing:
    """A coordinator of the community that hid the listing (or of one above it), never its author,
    shows it again; the author is told. Showing a listing that is not hidden changes nothing."""
    locked = _locked(listing)
    if locked.hidden_at is None:
        return locked
    if not access.can_restore(coordinator, locked):
        raise errors.NotAllowed(access.restore_refusal(coordinator, locked))
    trail.record(actor=coordinator, verb="listings.unhide", target=locked, community_id=locked.hidden_in_id)
    locked.hidden_at = None
    locked.hidden_by = None
    locked.hidden_reason = ""
    locked.hidden_in = None
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "hidden_in", "updated_at"])
    notices.listing_restored(locked, coordinator)
    return locked


SLUG_ATTEMPTS = 5


@transaction.atomic
def do_create_campaign(
    *,
    coordinator: User,
    community: Community,
    name: str,
    description: str,
    starts_on: date,
    ends_on: date,
) -> Campaign:
    """A campaign with a slug made from its name: `green-nhs`, or `green-nhs-2` when that is taken.

    Two campaigns with the same name created at once both choose the same free slug; the second
    insert breaks the unique slug and is retried, in a savepoint, with the next free one.
    """
    base = slugify(name)[:70]
    for _attempt in range(SLUG_ATTEMPTS):
        slug = _free_campaign_slug(base)
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    community=community,
                    name=name.strip(),
                    slug=slug,
                    description=description.strip(),
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_by=coordinator,
                )
                trail.record(actor=coordinator, verb="listings.create_campaign", target=campaign, community=community)
                return campaign
        except IntegrityError:
            if not Campaign.objects.filter(slug=slug).exists():
                raise  # another rule broken: not a race for the slug
    raise errors.ListingError(_("Another campaign with this name was created at the same moment. Try again."))


def _free_campaign_slug(base: str) -> str:
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
