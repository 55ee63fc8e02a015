"""How django-allauth fits Hexitime: every new user gets a profile; new members go to onboarding."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Profile, User


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
