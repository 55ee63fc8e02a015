"""Staff read the audit trail here; nobody adds, changes or deletes a row."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["created_at", "verb", "actor", "target_type", "target_id", "community"]
    list_filter = ["verb", "target_type", "community"]
    search_fields = ["verb", "actor__email", "target_type"]
    list_select_related = ["actor", "community"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "verb", "actor", "target_type", "target_id", "community", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
