"""Staff accounts: staff set who is active and who is staff here, and each change leaves an audit row.
Members change their own profiles (accounts.actions.do_update_profile); here the profile is only shown."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User
from audit.admin import AuditedAdmin


class ProfileInline(admin.StackedInline[Profile, User]):
    model = Profile
    can_delete = False
    fields = readonly_fields = ("display_name", "role", "organisation", "region", "onboarded_at", "may_be_brokered")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin[User], BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "profile__display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [ProfileInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a member's transfers and history point at them: make them inactive instead
