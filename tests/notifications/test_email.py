"""What a notification e-mail says: text and HTML, the site's name, a link that works from a mailbox,
and a one-click unsubscribe link in the footer and the headers (RFC 8058). Inactive members get none."""

import re
from email.parser import BytesParser
from email.policy import SMTP

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from accounts.models import User
from notifications.email import queue_email
from notifications.kinds import Kind
from notifications.models import Notification, OutboundEmail
from tests.notifications.helpers import notify_now
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db
SITE_URL = "https://hexitime.example"


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE_URL


def only_email() -> EmailMultiAlternatives:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    return message


def html_of(message: EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def unsubscribe_path(message: EmailMultiAlternatives) -> str:
    match = re.fullmatch(
        rf"<{re.escape(SITE_URL)}(/notifications/unsubscribe/[^/>]+/)>", message.extra_headers["List-Unsubscribe"]
    )
    assert match, message.extra_headers["List-Unsubscribe"]
    return match[1]


def test_notification_email_has_text_html_and_a_link_to_the_thing(
    bob: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob, url="/exchanges/4/", body="Alice gave you 1 hour.\nThank you!")
    run_due_tasks()
    message = only_email()
    assert message.to == ["bob@example.org"]
    assert message.subject == "[Hexitime] You received 1 hour(s)"
    assert "Alice gave you 1 hour." in message.body
    assert f"See it in Hexitime: {SITE_URL}/exchanges/4/" in message.body
    assert f"Choose which e-mails you get: {SITE_URL}/notifications/settings/" in message.body
    html = html_of(message)
    assert "<title>[Hexitime] You received 1 hour(s)</title>" in html
    assert "Alice gave you 1 hour.<br>Thank you!" in html
    assert f'<a href="{SITE_URL}/exchanges/4/">See it in Hexitime</a>' in html
    assert f'<a href="{SITE_URL}/notifications/settings/">' in html


def test_every_notification_email_carries_one_click_unsubscribe(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    run_due_tasks()
    message = only_email()
    path = unsubscribe_path(message)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"Stop e-mails about “Credits received (donation or grant)”: {SITE_URL}{path}" in message.body
    assert f'<a href="{SITE_URL}{path}">Stop e-mails about “Credits received (donation or grant)”</a>' in html_of(
        message
    )
    # On the wire too, as the SMTP backend writes it: one line, not folded into encoded-words
    # (which mail providers ignore), however long the link.
    wire = message.message(policy=SMTP).as_bytes()
    assert f"\r\nList-Unsubscribe: <{SITE_URL}{path}>\r\n".encode() in wire
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in wire
    assert len(f"List-Unsubscribe: <{SITE_URL}{path}>") > 78  # long enough to have been folded
    parsed = BytesParser(policy=SMTP).parsebytes(wire)
    assert parsed["List-Unsubscribe"] == f"<{SITE_URL}{path}>"
    assert parsed["Subject"] == "[Hexitime] You received 1 hour(s)"
    # They were stored with the row when it was queued, so a retry sends the same ones.
    assert OutboundEmail.objects.get().headers["List-Unsubscribe"] == f"<{SITE_URL}{path}>"


def test_the_email_link_is_never_to_another_site(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob, url="//evil.example/phish")
    run_due_tasks()
    message = only_email()
    assert "evil.example" not in message.body
    assert f"See it in Hexitime: {SITE_URL}/notifications/" in message.body


def test_queue_email_keeps_its_old_parameters_and_takes_an_unsubscribe_kind(
    bob: User, django_capture_on_commit_callbacks
) -> None:
    notification = Notification(recipient=bob, kind=Kind.MESSAGE, title="Hello", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        plain = queue_email(
            key="plain:1",
            recipient=bob,
            subject="A plain one",
            template="notifications/email/notification",
            context={"notification": notification, "link": SITE_URL + "/"},
        )
        summary = queue_email(
            key="summary:1",
            recipient=bob,
            subject="Your week",
            template="notifications/email/notification",
            context={"notification": notification, "link": SITE_URL + "/"},
            unsubscribe_kind=Kind.WEEKLY_SUMMARY,
        )
    assert plain is not None
    assert summary is not None
    assert "List-Unsubscribe" not in plain.headers
    assert "Stop e-mails" not in plain.body_text
    assert summary.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop e-mails about “Weekly summary of matches and exchanges waiting on you”" in summary.body_text
    run_due_tasks()
    assert sorted(m.subject for m in mail.outbox) == ["[Hexitime] A plain one", "[Hexitime] Your week"]


def test_a_digest_can_carry_its_own_unsubscribe_link(bob: User) -> None:
    outbound = queue_email(
        key="digest:daily:1",
        recipient=bob,
        subject="Your daily summary",
        template="notifications/email/notification",
        context={"notification": Notification(title="Two things", url="/"), "link": SITE_URL + "/"},
        unsubscribe_kind="daily",
    )
    assert outbound is not None
    assert "Stop e-mails about “the daily digest e-mail”" in outbound.body_text
    assert outbound.headers["List-Unsubscribe"].startswith(f"<{SITE_URL}/notifications/unsubscribe/")


def test_subject_is_one_line(bob: User) -> None:
    outbound = queue_email(
        key="k",
        recipient=bob,
        subject="Line one\nBcc: victim@example.org",
        template="notifications/email/notification",
        context={"notification": Notification(title="t", url="/"), "link": "/"},
    )
    assert outbound is not None
    assert outbound.subject == "[Hexitime] Line one Bcc: victim@example.org"


def test_inactive_members_get_no_email_but_still_see_it_in_the_app(
    bob: User, django_capture_on_commit_callbacks
) -> None:
    bob.is_active = False
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    run_due_tasks()
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
    assert Notification.objects.filter(recipient=bob).count() == 1
    assert (
        queue_email(key="digest", recipient=bob, subject="s", template="notifications/email/notification", context={})
        is None
    )


def test_a_member_deactivated_before_the_send_gets_no_email(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    run_due_tasks()
    assert mail.outbox == []
    outbound = OutboundEmail.objects.get()
    assert (outbound.state, outbound.attempts) == (OutboundEmail.State.FAILED, 0)
    assert "no longer active" in outbound.last_error
