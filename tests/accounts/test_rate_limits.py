"""Log-in and sign-up limits, for the many staff who share one NHS trust's network address.

Failed log-ins lock the account they were aimed at, not everyone behind the same address; the
address only counts when a trusted proxy says which one it is; a sign-up form sent back with errors
does not count against the sign-up limit; and the caps per address still stop a flood.
"""

from typing import Any

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.hexitime.test_configuration import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

STRONG = "improvement-for-all-2026"
LOCKED = "Too many failed attempts to log in. Try again later."


def allowance(action: str, per: str) -> int:
    """How many times the configured limit lets one address ("ip") or account ("key") do `action`."""
    return next(rate.amount for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS[action]) if rate.per == per)


def limits(**changes: str) -> dict[str, str]:
    return {**settings.ACCOUNT_RATE_LIMITS, **changes}


def log_in(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_limits_count_per_account_and_are_generous_per_address() -> None:
    assert allowance("login_failed", "key") == 5
    assert allowance("login_failed", "ip") == 100
    assert allowance("signup", "ip") == 30
    assert allowance("signup_attempt", "ip") == 300
    assert allowance("reset_password", "key") == 5


def test_trusted_proxies_are_read_from_the_environment() -> None:
    code = "import os,sys; os.environ['DJANGO_SETTINGS_MODULE']='hexitime.settings'; sys.path.insert(0,'src');"
    code += "from django.conf import settings as s;"
    code += "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    assert run_python(code, **PRODUCTION).stdout.split() == ["0", "None"]
    result = run_python(code, TRUSTED_PROXY_COUNT="2", TRUSTED_CLIENT_IP_HEADER="X-Real-IP", **PRODUCTION)
    assert result.stdout.split() == ["2", "X-Real-IP"], result.stderr


def test_one_members_failed_log_ins_lock_only_their_account() -> None:
    UserFactory(email="a@example.org")
    UserFactory(email="b@example.org")
    a_client, b_client = Client(), Client()  # both behind the same address (127.0.0.1)
    for _ in range(5):
        assert "is not correct" in log_in(a_client, "a@example.org", "wrong").content.decode()
    response = log_in(a_client, "a@example.org", PASSWORD)
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in a_client.session
    response = log_in(b_client, "b@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert b_client.session[SESSION_KEY] == str(User.objects.get(email="b@example.org").pk)


def test_mistakes_by_many_members_behind_one_address_lock_nobody_else() -> None:
    UserFactory(email="b@example.org")
    client = Client()
    for n in range(25):
        assert "is not correct" in log_in(client, f"n{n}@example.org", "wrong").content.decode()
    response = log_in(client, "b@example.org", PASSWORD)
    assert response.status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS=limits(login=""))
def test_failed_log_ins_from_one_address_are_still_capped() -> None:
    UserFactory(email="b@example.org")
    client = Client()
    cap = allowance("login_failed", "ip")
    for n in range(cap):
        assert "is not correct" in log_in(client, f"n{n}@example.org", "wrong").content.decode()
    assert LOCKED in log_in(client, "b@example.org", PASSWORD).content.decode()
    assert SESSION_KEY not in client.session
    # Another address is not affected.
    assert log_in(Client(), "b@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def flood_log_ins(client: Client, count: int, **extra: Any) -> None:
    for n in range(count):
        assert log_in(client, f"n{n}@example.org", "x", **extra).status_code == 200


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy() -> None:
    client = Client()
    flood_log_ins(client, allowance("login", "ip"), headers={"x-forwarded-for": "203.0.113.1"})
    # A client cannot escape the limit by claiming another address.
    response = log_in(client, "b@example.org", "x", headers={"x-forwarded-for": "203.0.113.2"})
    assert response.status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_x_forwarded_for_from_a_trusted_proxy_separates_addresses() -> None:
    client = Client()
    cap = allowance("login", "ip")
    # The proxy appends the address it saw; whatever the client put before it is not believed.
    for n in range(cap):
        response = log_in(client, f"n{n}@example.org", "x", headers={"x-forwarded-for": f"10.9.9.{n}, 203.0.113.1"})
        assert response.status_code == 200
    assert log_in(client, "b@example.org", "x", headers={"x-forwarded-for": "10.9.8.1, 203.0.113.1"}).status_code == 429
    assert log_in(client, "b@example.org", "x", headers={"x-forwarded-for": "203.0.113.2"}).status_code == 200


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_trusted_client_address_header_separates_addresses() -> None:
    client = Client()
    flood_log_ins(client, allowance("login", "ip"), headers={"x-real-ip": "203.0.113.1"})
    assert log_in(client, "b@example.org", "x", headers={"x-real-ip": "203.0.113.1"}).status_code == 429
    assert log_in(client, "b@example.org", "x", headers={"x-real-ip": "203.0.113.2"}).status_code == 200


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2, ALLAUTH_TRUSTED_CLIENT_IP_HEADER=None)
def test_a_request_that_skipped_the_proxies_counts_against_its_own_address() -> None:
    client = Client()
    flood_log_ins(client, allowance("login", "ip"), headers={"x-forwarded-for": "203.0.113.1"})
    assert log_in(client, "b@example.org", "x", headers={"x-forwarded-for": "203.0.113.9"}).status_code == 429
    assert log_in(client, "b@example.org", "x", REMOTE_ADDR="198.51.100.7").status_code == 200


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_missing_or_garbled_client_address_header_is_not_an_error() -> None:
    assert log_in(Client(), "b@example.org", "x").status_code == 200
    assert log_in(Client(), "b@example.org", "x", headers={"x-real-ip": "not an address"}).status_code == 200


def sign_up(client: Client, email: str, password2: str = STRONG) -> Any:
    response = client.post(reverse("account_signup"), {"email": email, "password1": STRONG, "password2": password2})
    client.logout()
    return response


def test_sign_up_forms_sent_back_with_errors_do_not_use_up_the_limit() -> None:
    client = Client()
    for n in range(allowance("signup", "ip") + 5):
        response = (
            sign_up(client, f"n{n}@example.org", password2="does-not-match")
            if n % 2
            else sign_up(client, f"not-an-email-{n}")
        )
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()
    assert not User.objects.exists()
    response = sign_up(client, "new@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert list(User.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_sign_ups_from_one_address_are_capped() -> None:
    client = Client()
    cap = allowance("signup", "ip")
    assert [sign_up(client, f"n{n}@example.org").status_code for n in range(cap)] == [302] * cap
    assert sign_up(client, "one-more@example.org").status_code == 429
    assert User.objects.count() == cap
    # Another address can still sign up.
    response = Client().post(
        reverse("account_signup"),
        {"email": "elsewhere@example.org", "password1": STRONG, "password2": STRONG},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS=limits(signup_attempt="40/h/ip"))  # configured: 300/h, slow to test
def test_a_flood_of_sign_up_posts_from_one_address_is_stopped() -> None:
    client = Client()
    cap = allowance("signup_attempt", "ip")
    for n in range(cap):
        assert sign_up(client, f"not-an-email-{n}").status_code == 200
    assert sign_up(client, "new@example.org").status_code == 429
    assert not User.objects.exists()


def test_password_reset_requests_are_limited_per_address_asked_for() -> None:
    UserFactory(email="a@example.org")
    UserFactory(email="b@example.org")
    client = Client()
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "a@example.org"}).status_code
        for _ in range(allowance("reset_password", "key") + 1)
    ]
    assert statuses == [302] * allowance("reset_password", "key") + [429]
    assert client.post(reverse("account_reset_password"), {"email": "b@example.org"}).status_code == 302
