"""Helpers for the credit pages' tests: their addresses and forms. Balances, `move` and the ledger
snapshot are in tests/support/ledger.py; `text` in tests/support/pages.py."""

import csv
import io
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community


def fund_url(name: str, community: Community, **kwargs: Any) -> str:
    return reverse(f"ledger:{name}", kwargs={"slug": community.slug, **kwargs})


def grant(client: Client, community: Community, member: User, hours: str, reason: str = "Help to start") -> Any:
    data = {"member": str(member.pk), "hours": hours, "reason": reason, "idempotency_key": str(uuid.uuid4())}
    return client.post(fund_url("grant", community), data, follow=True)


def limits_data(**overrides: str) -> dict[str, str]:
    """The limits form as Riverside's defaults fill it (5 h for members, 20 h cap, fund 0), with changes."""
    data = {
        "member_overdraft": "5",
        "warning_threshold": "1",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != "omit"}


def csv_rows(response: Any) -> list[list[str]]:
    """The rows of a streamed CSV download."""
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def key() -> str:
    """A fresh idempotency key, as each form carries."""
    return str(uuid.uuid4())
