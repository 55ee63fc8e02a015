"""Staff reach the admin only through allauth's log-in: its rate limits and its two-factor step.

Django's own admin log-in form checked a password and nothing else, so a staff member with TOTP
turned on got an admin session (which opened member pages too) from the password alone, and
guesses there were never limited. /admin/login/ now only redirects (hexitime.admin_site).
"""

import time

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.hexitime.test_configuration import PRODUCTION, run_python
from tests.support.clients import admin_client_for

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"
NOTIFICATIONS_ADMIN = "/admin/notifications/notification/"
STRONG = "improvement-for-all-2026"


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


def turn_on_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client: Client, email: str, *, next_url: str = ADMIN) -> str:
    """allauth's log-in with the right password; returns where it sends the member next."""
    response = client.post(f"{reverse('account_login')}?next={next_url}", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def password_only_session(user: User) -> Client:
    """A session that checked the password and nothing else: what Django's admin log-in gave."""
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", email=user.email)
    request.session.save()
    return client


def is_logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_admin_requires_two_factor_unless_debug() -> None:
    assert settings.ADMIN_REQUIRE_MFA is True
    code = "import os,sys; os.environ['DJANGO_SETTINGS_MODULE']='hexitime.settings'; sys.path.insert(0,'src');"
    code += "from django.conf import settings; print(settings.ADMIN_REQUIRE_MFA)"
    assert run_python(code, **PRODUCTION).stdout.split() == ["True"]
    assert run_python(code, **{**PRODUCTION, "ADMIN_REQUIRE_MFA": "0"}).stdout.split() == ["False"]
    assert run_python(code, DEBUG="1").stdout.split() == ["False"]
    assert run_python(code, DEBUG="1", ADMIN_REQUIRE_MFA="1").stdout.split() == ["True"]


def test_admin_login_page_redirects_to_allauth_log_in_keeping_next() -> None:
    client = Client()
    response = client.get(ADMIN_LOGIN, {"next": NOTIFICATIONS_ADMIN})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={NOTIFICATIONS_ADMIN}"
    response = client.get(ADMIN)
    assert response["Location"] == f"{ADMIN_LOGIN}?next={ADMIN}"
    assert client.get(response["Location"])["Location"] == f"{reverse('account_login')}?next={ADMIN}"


def test_admin_login_never_sends_anyone_to_another_site() -> None:
    response = Client().get(ADMIN_LOGIN, {"next": "https://evil.example/"})
    assert response["Location"] == f"{reverse('account_login')}?next={ADMIN}"


def test_right_password_posted_to_admin_login_gives_no_session(staff: User) -> None:
    turn_on_totp(staff)
    client = Client()
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={ADMIN}"
    assert not is_logged_in(client)
    assert client.get(ADMIN).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_right_password_posted_to_admin_login_gives_no_session_without_totp_either(staff: User) -> None:
    client = Client()
    client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert not is_logged_in(client)


def test_guesses_at_the_admin_route_never_authenticate_and_allauth_locks_the_account(staff: User) -> None:
    client = Client()
    for _ in range(12):
        response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": "wrong-guess"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not is_logged_in(client)
    # The right password at the admin route is no better than a guess: it is never checked there.
    client.post(ADMIN_LOGIN, {"username": staff.email, "password": PASSWORD})
    assert not is_logged_in(client)
    # Passwords are checked only by allauth, which locks the account after five failures.
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": staff.email, "password": "wrong-guess"})
        assert "is not correct" in response.content.decode()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts to log in. Try again later." in response.content.decode()
    assert not is_logged_in(client)
    assert client.get(ADMIN).status_code == 302


def test_staff_who_pass_totp_through_allauth_open_the_admin(staff: User) -> None:
    secret = turn_on_totp(staff)
    client = Client()
    assert log_in(client, staff.email) == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    assert client.get(ADMIN).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(NOTIFICATIONS_ADMIN).status_code == 200


def test_staff_change_their_password_through_allauth_not_the_admin(staff: User) -> None:
    client = admin_client_for(staff)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")
    client.post(reverse("admin:password_change"), {"new_password1": STRONG, "new_password2": STRONG})
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_steps_the_admin_sends_staff_to_are_pages_they_can_use(staff: User) -> None:
    turn_on_totp(staff)
    client = password_only_session(staff)
    for name in ("mfa_reauthenticate", "account_reauthenticate", "account_email"):  # mfa_activate_totp: below
        assert client.get(f"{reverse(name)}?next={ADMIN}").status_code == 200, name


def test_staff_with_totp_and_a_password_only_session_cannot_open_the_admin(staff: User) -> None:
    secret = turn_on_totp(staff)
    client = password_only_session(staff)
    response = client.get(NOTIFICATIONS_ADMIN)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN_LOGIN}?next={NOTIFICATIONS_ADMIN}"
    response = client.get(response["Location"])
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next={NOTIFICATIONS_ADMIN}"
    assert client.get(ADMIN).status_code == 302
    # Entering a code from the app in this session opens the admin.
    response = client.post(response["Location"], {"code": current_code(secret)})
    assert response["Location"] == NOTIFICATIONS_ADMIN
    assert client.get(NOTIFICATIONS_ADMIN).status_code == 200


def test_staff_logged_in_some_other_way_confirm_their_password_through_allauth(staff: User) -> None:
    client = Client()
    client.force_login(staff)  # a session allauth has no record of, like one from Django's old admin form
    response = client.get(ADMIN_LOGIN, {"next": ADMIN})
    assert response["Location"] == f"{reverse('account_reauthenticate')}?next={ADMIN}"
    with override_settings(ADMIN_REQUIRE_MFA=False):
        assert client.get(ADMIN).status_code == 302
        response = client.post(response["Location"], {"password": PASSWORD})
        assert response["Location"] == ADMIN
        assert client.get(ADMIN).status_code == 200


def test_staff_without_totp_are_sent_to_turn_it_on(staff: User) -> None:
    client = Client()
    assert log_in(client, staff.email) == ADMIN
    assert is_logged_in(client)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[:2] == [(f"{ADMIN_LOGIN}?next={ADMIN}", 302), (reverse("mfa_activate_totp"), 302)]
    assert "Staff must turn on two-factor authentication before they use the admin." in response.content.decode()


@override_settings(ADMIN_REQUIRE_MFA=False)
def test_without_the_two_factor_requirement_staff_log_in_with_a_password(staff: User) -> None:
    client = Client()
    log_in(client, staff.email)
    assert client.get(ADMIN).status_code == 200


def test_members_who_are_not_staff_cannot_open_the_admin(bob: User) -> None:
    secret = turn_on_totp(bob)
    client = Client()
    log_in(client, bob.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert is_logged_in(client)
    response = client.get(NOTIFICATIONS_ADMIN)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403
    assert client.get(ADMIN).status_code == 302


def test_inactive_staff_cannot_open_the_admin(staff: User) -> None:
    turn_on_totp(staff)
    client = password_only_session(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get(ADMIN).status_code == 302


def test_staff_with_an_unverified_address_cannot_open_the_admin(staff: User) -> None:
    EmailAddress.objects.filter(user=staff).update(verified=False)
    client = password_only_session(staff)
    with override_settings(ADMIN_REQUIRE_MFA=False):
        response = client.get(ADMIN_LOGIN, {"next": ADMIN}, follow=True)
        assert response.redirect_chain[0] == (reverse("account_email"), 302)
        assert "Verify your e-mail address before you use the admin." in response.content.decode()
        assert client.get(ADMIN).status_code == 302
        EmailAddress.objects.filter(user=staff).update(verified=True)
        assert client.get(ADMIN).status_code == 200
