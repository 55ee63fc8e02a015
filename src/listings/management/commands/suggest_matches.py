"""Print the weekly-digest suggestions for one member, or count them for everyone."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from listings.matching import Suggestion, weekly_suggestions


class Command(BaseCommand):
    help = "Compute the suggestions of the weekly digest: for one member (--email) or a summary for all members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="The member to compute suggestions for.")
        parser.add_argument("--limit", type=int, default=5, help="Suggestions per section (default 5).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if options["email"]:
            member = User.objects.filter(email__iexact=options["email"], is_active=True).first()
            if member is None:
                raise CommandError(f"No active member has the e-mail address {options['email']!r}.")
            self.show(member, options["limit"])
            return
        with_something = 0
        members = User.objects.filter(is_active=True).order_by("pk")
        for member in members.iterator():
            with_something += not weekly_suggestions(member, options["limit"]).is_empty
        self.stdout.write(f"{with_something} of {members.count()} members have suggestions this week.")

    def show(self, member: User, limit: int) -> None:
        digest = weekly_suggestions(member, limit)
        if digest.is_empty:
            self.stdout.write(f"Nothing to suggest to {member.display_name} this week.")
            return
        self.section("Requests you could help with", digest.requests_you_could_help_with)
        self.section("Offers that match your requests", digest.offers_for_your_requests)

    def section(self, title: str, suggestions: list[Suggestion]) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        for suggestion in suggestions:
            assert suggestion.listing is not None
            self.stdout.write(f"  {suggestion.listing.title} (#{suggestion.listing.pk}): {suggestion.reason_text}")
