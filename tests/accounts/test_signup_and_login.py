"""Sign-up with e-mail verification, log-in and out, password reset, e-mail change, TOTP and rate limits."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "improvement-for-all-2026"


def confirmation_path(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def sign_up(client: Client, email: str = "new@example.org") -> None:
    response = client.post(reverse("account_signup"), {"email": email, "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302


def test_sign_up_sends_verification_and_does_not_log_in_before_it() -> None:
    client = Client()
    sign_up(client)
    user = User.objects.get(email="new@example.org")
    assert Profile.objects.filter(user=user, onboarded_at__isnull=True).exists()
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "confirm" in mail.outbox[0].subject.lower()
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_confirming_the_email_logs_in_and_starts_onboarding() -> None:
    client = Client()
    sign_up(client)
    path = confirmation_path(mail.outbox[0])
    assert client.get(path).status_code == 200  # confirmation is a POST, not a GET
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:welcome")
    assert EmailAddress.objects.get(email="new@example.org").verified


def test_unverified_member_cannot_log_in_until_verified() -> None:
    UserFactory(email="pending@example.org", verified=False)
    response = Client().post(reverse("account_login"), {"login": "pending@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_sign_up_with_bad_input_shows_field_messages() -> None:
    UserFactory(email="taken@example.org")
    response = Client().post(
        reverse("account_signup"), {"email": "not-an-email", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "nhsuk-error-summary" in content
    assert "Enter a valid email address." in content
    assert User.objects.count() == 1


def test_log_in_and_out() -> None:
    UserFactory(email="member@example.org")
    client = Client()
    response = client.post(reverse("account_login"), {"login": "member@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_wrong_password_gives_a_clear_message() -> None:
    UserFactory(email="member@example.org")
    response = Client().post(reverse("account_login"), {"login": "member@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in response.content.decode()


def test_failed_log_ins_are_rate_limited() -> None:
    UserFactory(email="member@example.org")
    client = Client()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "member@example.org", "password": "wrong"})
        assert "is not correct" in response.content.decode()
    # After five failures even the right password is refused for a while, with a clear message.
    response = client.post(reverse("account_login"), {"login": "member@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts to log in. Try again later." in response.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_log_in_attempts_from_one_address_are_rate_limited() -> None:
    client = Client()
    statuses = [
        client.post(reverse("account_login"), {"login": f"n{n}@example.org", "password": "x"}).status_code
        for n in range(31)
    ]
    assert statuses[-1] == 429
    assert (
        "Too many attempts"
        in client.post(reverse("account_login"), {"login": "a@b.org", "password": "x"}).content.decode()
    )


def test_sign_ups_are_rate_limited() -> None:
    client = Client()
    statuses = []
    for n in range(31):
        data = {"email": f"n{n}@example.org", "password1": STRONG, "password2": STRONG}
        statuses.append(client.post(reverse("account_signup"), data).status_code)
        client.logout()
    assert statuses[:30] == [302] * 30  # 30 an hour from one address (tests/accounts/test_rate_limits.py)
    assert statuses[30] == 429
    assert User.objects.count() == 30


def test_password_reset_sends_a_link_that_sets_a_new_password() -> None:
    UserFactory(email="member@example.org")
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", str(mail.outbox[0].body))
    assert match
    response = client.get(match.group(1), follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else match.group(1)
    response = client.post(form_path, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    assert Client().login(email="member@example.org", password=STRONG)


def test_password_reset_for_unknown_address_reveals_nothing() -> None:
    response = Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert "nobody@example.org" in mail.outbox[0].to  # allauth tells the address owner no account exists


def test_change_email_requires_verifying_the_new_address() -> None:
    user = UserFactory(email="old@example.org")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@example.org"]
    user.refresh_from_db()
    assert user.email == "old@example.org"
    client.post(confirmation_path(mail.outbox[-1]))
    user.refresh_from_db()
    assert user.email == "new@example.org"


def test_totp_two_factor_can_be_turned_on_and_is_then_asked_for() -> None:
    user = UserFactory(email="member@example.org")
    client = Client()
    client.post(reverse("account_login"), {"login": "member@example.org", "password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    fresh = Client()
    response = fresh.post(reverse("account_login"), {"login": "member@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert fresh.get(reverse("accounts:dashboard")).status_code == 302  # not logged in yet
    response = fresh.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
