"""How far below zero an account may go: community policy, the most generous one for a member."""

from functools import cache

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


# account_limit() in SQL, for post_transfer(): evaluated in the statement that locks the accounts, so
# the limit is read from the locked row (its `earned`) in the same round trip and the locks are held
# no longer than they must be. It says what account_limit() says: a fund may go as far below zero as
# its community's policy allows (DEFAULT_FUND_OVERDRAFT without one); a member gets the most generous
# limit of their active communities, a community without a policy counting with LimitPolicy's
# defaults (LimitPolicy.member_limit: the overdraft, or overdraft + earned up to the cap when it grows
# with hours given), and 0 with no active community. The account row is named `a`; the parameters
# are locked_limit_params(), in order. Portable SQL: PostgreSQL and SQLite.
LOCKED_LIMIT_SQL = """CASE WHEN a.community_id IS NOT NULL THEN COALESCE(
  (SELECT p.fund_overdraft FROM ledger_limitpolicy p WHERE p.community_id = a.community_id), %s)
ELSE COALESCE((
  SELECT MAX(CASE
    WHEN NOT q.grows_with_given THEN q.member_overdraft
    WHEN q.member_overdraft + a.earned < q.growth_cap THEN q.member_overdraft + a.earned
    ELSE q.growth_cap END)
  FROM (
    SELECT COALESCE(p.member_overdraft, %s) AS member_overdraft,
      COALESCE(p.grows_with_given, %s) AS grows_with_given,
      COALESCE(p.growth_cap, %s) AS growth_cap
    FROM communities_membership m LEFT JOIN ledger_limitpolicy p ON p.community_id = m.community_id
    WHERE m.member_id = a.member_id AND m.status = %s
  ) q), 0)
END"""


@cache
def locked_limit_params() -> tuple[int | str, ...]:
    default = LimitPolicy()  # what a community that set no policy gets
    return (
        DEFAULT_FUND_OVERDRAFT,
        default.member_overdraft,
        default.grows_with_given,
        default.growth_cap,
        Membership.Status.ACTIVE.value,
    )


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
