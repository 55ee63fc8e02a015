"""How django-allauth fits Hexitime: every new user gets a profile; new members go to onboarding;
the client's address for rate limits never fails a request; allauth's e-mails name the site
Hexitime and link to SITE_URL."""

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Profile, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailSite:
    """What allauth's e-mail templates call ``current_site``: without django.contrib.sites, allauth
    would use the request's host (``127.0.0.1:8100``) as both the site's name and its domain."""

    name: str
    domain: str


def email_site() -> EmailSite:
    return EmailSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site_url(url: str, request: HttpRequest | None) -> str:
    """A link allauth built from the request (confirm, reset, sign up) moved onto SITE_URL, the one
    address members should see in an e-mail, whichever host or port the request came in on."""
    if request is None:
        return url
    origin = request.build_absolute_uri("/")
    if url.startswith(origin):
        return settings.SITE_URL + "/" + url.removeprefix(origin)
    return url


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Sign-up creates the member's profile; pages only read it (no GET writes)."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            Profile.objects.get_or_create(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth e-mail: the site is Hexitime, its links start with SITE_URL."""
        request = allauth_context.request
        context = {
            key: on_site_url(value, request) if isinstance(value, str) and key.endswith("_url") else value
            for key, value in context.items()
        }
        context.update({"current_site": email_site(), "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL})
        super().send_mail(template_prefix, email, context)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """After sign-up (and the e-mail confirmation that logs the member in): onboarding."""
        return reverse("accounts:welcome")

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Send a member whose profile is not yet complete to onboarding first."""
        user = request.user
        if isinstance(user, User):
            profile = Profile.objects.filter(user=user).only("onboarded_at").first()
            if profile is None or profile.onboarded_at is None:
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
