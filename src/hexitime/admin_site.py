"""The admin site: staff reach it only through allauth's log-in, never through Django's own form.

Django's admin log-in form checks a password and nothing else: no two-factor step and none of
allauth's rate limits. So ``/admin/login/`` never authenticates anyone (GET and POST both redirect
to allauth's log-in, keeping ``next``), and every admin page asks ``admin_access`` whether this
session may use it: an active staff member with a verified e-mail address, whose session was
authenticated through allauth (allauth keeps a record of each method in the session), and who
passed the second factor in this session if they have one. With ``ADMIN_REQUIRE_MFA`` (on unless
DEBUG) staff must also have two-factor authentication turned on.
"""

from enum import Enum
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


class AdminAccess(Enum):
    ALLOWED = "allowed"
    LOG_IN = "log in through allauth"
    NOT_STAFF = "not active staff"
    VERIFY_EMAIL = "e-mail address not verified"
    REAUTHENTICATE = "session not authenticated through allauth"
    SECOND_FACTOR_NEEDED = "second factor not passed in this session"
    SET_UP_SECOND_FACTOR = "two-factor authentication not turned on"


def admin_access(*, request: HttpRequest) -> AdminAccess:
    """Whether this request's session may use the admin, and if not, the first thing missing."""
    user = request.user
    if not user.is_authenticated:
        return AdminAccess.LOG_IN
    if not (user.is_active and user.is_staff):
        return AdminAccess.NOT_STAFF
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        return AdminAccess.VERIFY_EMAIL
    records = get_authentication_records(request, user)
    if not records:
        return AdminAccess.REAUTHENTICATE
    if is_mfa_enabled(user, SECOND_FACTORS):
        if not any(record.get("method") == "mfa" for record in records):
            return AdminAccess.SECOND_FACTOR_NEEDED
    elif settings.ADMIN_REQUIRE_MFA:
        return AdminAccess.SET_UP_SECOND_FACTOR
    return AdminAccess.ALLOWED


class HexitimeAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Hexitime administration")
    site_title = gettext_lazy("Hexitime admin")

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_access(request=request) is AdminAccess.ALLOWED

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Never a log-in form: send the visitor to whatever step they are missing, keeping ``next``."""
        next_url = self._next_url(request)
        access = admin_access(request=request)
        if access is AdminAccess.ALLOWED:
            return HttpResponseRedirect(next_url)
        if access is AdminAccess.LOG_IN:
            return redirect_to_login(next_url, reverse("account_login"))
        if access is AdminAccess.NOT_STAFF:
            raise PermissionDenied(_("Only Hexitime staff can use the admin."))
        if access is AdminAccess.VERIFY_EMAIL:
            messages.warning(request, _("Verify your e-mail address before you use the admin."))
            return HttpResponseRedirect(reverse("account_email"))
        if access is AdminAccess.REAUTHENTICATE:
            messages.info(request, _("Enter your password again to use the admin."))
            return redirect_to_login(next_url, reverse("account_reauthenticate"))
        if access is AdminAccess.SECOND_FACTOR_NEEDED:
            messages.info(request, _("Enter a code from your authenticator app to use the admin."))
            return redirect_to_login(next_url, reverse("mfa_reauthenticate"))
        messages.warning(request, _("Staff must turn on two-factor authentication before they use the admin."))
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    def password_change(  # type: ignore[override]  # a redirect, not the admin's form page
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Passwords change through allauth too (its limits, its notices), not the admin's own form."""
        return HttpResponseRedirect(reverse("account_change_password"))

    def _next_url(self, request: HttpRequest) -> str:
        candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("admin:index", current_app=self.name)
