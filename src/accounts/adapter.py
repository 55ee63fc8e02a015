"""How django-allauth fits Hexitime: every new user gets a profile; new members go to onboarding;
the client's address for rate limits never fails a request."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Profile, User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            Profile.objects.get_or_create(user=user)
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """After sign-up (and the e-mail confirmation that logs the member in): onboarding."""
        return reverse("accounts:welcome")

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Send a member whose profile is not yet complete to onboarding first."""
        user = request.user
        if isinstance(user, User):
            profile, _ = Profile.objects.get_or_create(user=user)
            if profile.onboarded_at is None:
                return reverse("accounts:welcome")
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address rate limits count against (ALLAUTH_TRUSTED_PROXY_COUNT, ALLAUTH_TRUSTED_CLIENT_IP_HEADER).

        allauth fails the request when X-Forwarded-For has fewer entries than the trusted proxies,
        or when the trusted header is missing: a request that did not come through the proxies.
        Count it against the address it came from instead (the stricter choice), never an error page.
        """
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            logger.warning("Client address not found in the trusted proxy headers; using REMOTE_ADDR.")
            return str(request.META.get("REMOTE_ADDR") or "unknown")
