"""Staff create communities and appoint coordinators here; each save leaves an audit row, and
nothing is deleted (members leave, coordinators decline). Membership events are only shown."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedAdmin, ReadOnlyAdmin
from communities.models import Community, Membership, MembershipEvent


class NoDeleteAdmin[M: Any](AuditedAdmin[M]):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline[Membership, Community]):
    model = Membership
    extra = 0
    fields = ["member", "role", "status"]
    autocomplete_fields = ["member"]
    can_delete = False


@admin.register(Community)
class CommunityAdmin(NoDeleteAdmin[Community]):
    list_display = ["name", "kind", "parent", "join_policy"]
    list_filter = ["kind", "join_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(NoDeleteAdmin[Membership]):
    list_display = ["member", "community", "role", "status", "updated_at"]
    list_filter = ["role", "status", "community__kind"]
    search_fields = ["member__email", "member__profile__display_name", "community__name"]
    autocomplete_fields = ["member", "community"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin[MembershipEvent]):
    list_display = ["membership", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["membership", "kind", "actor", "reason", "created_at"]
