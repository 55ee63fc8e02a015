"""Staff create communities and appoint coordinators here."""

from django.contrib import admin

from communities.models import Community, Membership, MembershipEvent


class MembershipInline(admin.TabularInline[Membership, Community]):
    model = Membership
    extra = 0
    fields = ["member", "role", "status"]
    autocomplete_fields = ["member"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin[Community]):
    list_display = ["name", "kind", "parent", "join_policy"]
    list_filter = ["kind", "join_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["member", "community", "role", "status", "updated_at"]
    list_filter = ["role", "status", "community__kind"]
    search_fields = ["member__email", "member__profile__display_name", "community__name"]
    autocomplete_fields = ["member", "community"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin[MembershipEvent]):
    list_display = ["membership", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["membership", "kind", "actor", "reason", "created_at"]
