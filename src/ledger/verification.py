"""Checks every ledger rule over the whole ledger (DESIGN.md §3). Used by `manage.py verify_ledger` and tests."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from ledger.models import Account, Transfer


@dataclass
class Report:
    accounts: int = 0
    transfers: int = 0
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def verify() -> Report:
    report = Report(accounts=Account.objects.count(), transfers=Transfer.objects.count())
    _sum_is_zero(report)
    _balances_match_transfers(report)
    _running_balances_and_limits(report)
    _reversals_well_formed(report)
    return report


def _sum_is_zero(report: Report) -> None:
    total = Account.objects.aggregate(total=Sum("balance"))["total"] or 0
    if total != 0:
        report.violations.append(f"sum of balances is {total} minutes, not 0")


def _balances_match_transfers(report: Report) -> None:
    debits = dict(
        Transfer.objects.values_list("debit_id").annotate(total=Sum("amount")).values_list("debit_id", "total")
    )
    credits = dict(
        Transfer.objects.values_list("credit_id").annotate(total=Sum("amount")).values_list("credit_id", "total")
    )
    earned = dict(
        Transfer.objects.filter(kind=Transfer.Kind.EXCHANGE)
        .values_list("credit_id")
        .annotate(total=Sum("amount"))
        .values_list("credit_id", "total")
    )
    for pk, balance, stored_earned in Account.objects.values_list("pk", "balance", "earned").iterator():
        expected = credits.get(pk, 0) - debits.get(pk, 0)
        if balance != expected:
            report.violations.append(f"account {pk}: stored balance {balance} but its transfers add up to {expected}")
        if stored_earned != earned.get(pk, 0):
            report.violations.append(
                f"account {pk}: earned {stored_earned} but its exchange credits add up to {earned.get(pk, 0)}"
            )


def _running_balances_and_limits(report: Report) -> None:
    running: dict[int, int] = defaultdict(int)
    rows = Transfer.objects.order_by("pk").values_list(
        "pk", "debit_id", "credit_id", "amount", "debit_balance_after", "credit_balance_after", "debit_limit"
    )
    for pk, debit, credit, amount, debit_after, credit_after, limit in rows.iterator(chunk_size=5000):
        running[debit] -= amount
        running[credit] += amount
        if running[debit] != debit_after or running[credit] != credit_after:
            report.violations.append(
                f"transfer {pk}: recorded balances after it do not follow from the transfers before it"
            )
        if debit_after < -limit:
            report.violations.append(
                f"transfer {pk}: took account {debit} to {debit_after}, below its limit of -{limit}"
            )
        if amount <= 0 or debit == credit:
            report.violations.append(f"transfer {pk}: not a positive amount between two accounts")


def _reversals_well_formed(report: Report) -> None:
    reversals = Transfer.objects.filter(kind=Transfer.Kind.REVERSAL).select_related("reverses")
    for reversal in reversals.iterator():
        original = reversal.reverses
        if original is None:
            report.violations.append(f"reversal {reversal.pk} does not name the transfer it reverses")
            continue
        if (reversal.debit_id, reversal.credit_id, reversal.amount) != (
            original.credit_id,
            original.debit_id,
            original.amount,
        ):
            report.violations.append(f"reversal {reversal.pk} does not mirror transfer {original.pk}")
        if original.kind == Transfer.Kind.REVERSAL:
            report.violations.append(f"reversal {reversal.pk} reverses another reversal ({original.pk})")
        if reversal.pk < original.pk:
            report.violations.append(f"reversal {reversal.pk} was posted before transfer {original.pk}")
    twice = (
        Transfer.objects.values("reverses_id")
        .filter(reverses_id__isnull=False)
        .annotate(n=Count("pk"))
        .filter(Q(n__gt=1))
    )
    for row in twice:
        report.violations.append(f"transfer {row['reverses_id']} is reversed more than once")
