"""A mail backend for tests that refuses the first N messages, as a mail server that is down would."""

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend

BACKEND = "tests.notifications.flaky_mail.FlakyBackend"


class FlakyBackend(EmailBackend):
    """Raise for the next `failures` sends (every send while it is None), then deliver to mail.outbox."""

    failures: int | None = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if FlakyBackend.failures is None:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
