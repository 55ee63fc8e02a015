"""Signed-in test clients: the one `client_for`, and the admin's, which also passed TOTP."""

from django.test import Client

from accounts.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_client_for(user: User) -> Client:
    """A staff member's client whose session logged in through allauth with a password and TOTP,
    as the admin asks (hexitime.admin_site). tests/accounts/test_admin_login.py walks the real flow."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    totp = TOTP.activate(user, generate_totp_secret())
    client = client_for(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", email=user.email)
    record_authentication(request, user, method="mfa", id=totp.instance.pk, type=totp.instance.type)
    request.session.save()
    return client
