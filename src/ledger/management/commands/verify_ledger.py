"""Check every ledger rule; exit non-zero, naming each violation, if any is broken."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledger.verification import verify


class Command(BaseCommand):
    help = (
        "Verify the whole ledger: balances sum to 0, match their transfers, respect limits; reversals are well formed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        for violation in report.violations:
            self.stderr.write(f"VIOLATION: {violation}")
        if not report.ok:
            raise CommandError(f"{len(report.violations)} ledger rule violations in {report.transfers} transfers.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger OK: {report.accounts} accounts, {report.transfers} transfers, every rule holds."
            )
        )
