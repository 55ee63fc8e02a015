"""How far below zero an account may go: community policy, the most generous one for a member."""

from django.utils.translation import gettext as _

from communities.models import Community, Membership
from ledger.models import Account, LimitPolicy

DEFAULT_MEMBER_OVERDRAFT = 5 * 60
DEFAULT_FUND_OVERDRAFT = 0


def _policies_of_member(member_id: int) -> list[tuple[Community, LimitPolicy]]:
    """Each active community of the member with its policy (the defaults where none was set)."""
    communities = list(
        Community.objects.filter(
            memberships__member_id=member_id, memberships__status=Membership.Status.ACTIVE
        ).order_by("name")
    )
    stored = {p.community_id: p for p in LimitPolicy.objects.filter(community__in=communities)}
    return [(c, stored.get(c.pk) or LimitPolicy(community=c)) for c in communities]


def account_limit(account: Account, earned: int | None = None) -> int:
    """Minutes the account may go below zero. `earned` overrides the stored value (e.g. under lock)."""
    if account.community_id is not None:
        policy = LimitPolicy.objects.filter(community_id=account.community_id).first()
        return policy.fund_overdraft if policy else DEFAULT_FUND_OVERDRAFT
    assert account.member_id is not None
    given = account.earned if earned is None else earned
    return max((p.member_limit(given) for _c, p in _policies_of_member(account.member_id)), default=0)


def limit_explanation(account: Account) -> list[str]:
    """Why the limit is what it is, for the balance page."""
    if account.community_id is not None:
        return [_("A community fund may go below zero only as far as its coordinators allow.")]
    assert account.member_id is not None
    lines = [
        _(
            "You can receive help before you give any: each community lets its members go a few hours "
            "below zero. If you belong to several communities, the most generous limit applies."
        )
    ]
    for community, policy in _policies_of_member(account.member_id):
        name = community.name
        if policy.grows_with_given:
            lines.append(
                _("%(c)s: %(h)s hours, growing with the hours you give, up to %(cap)s hours.")
                % {"c": name, "h": _hours(policy.member_overdraft), "cap": _hours(policy.growth_cap)}
            )
        else:
            lines.append(_("%(c)s: %(h)s hours.") % {"c": name, "h": _hours(policy.member_overdraft)})
    return lines


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def warning_threshold(account: Account) -> int:
    if account.member_id is None:
        return 0
    return max((p.warning_threshold for _c, p in _policies_of_member(account.member_id)), default=60)
