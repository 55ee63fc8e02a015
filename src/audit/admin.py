"""The admin's two kinds of page for domain models, and the audit trail's own (read-only) page.

Changes to the domain go through the do_* actions, which write the audit rows. In the admin a
domain model is either read-only (ReadOnlyAdmin: no adding, changing or deleting), or, for what
only staff can do and no action covers yet (creating communities, appointing coordinators, the
skills taxonomy, staff accounts), AuditedAdmin: each save or delete writes an audit row naming the
staff member and the fields changed, in the same transaction as the change.
"""

from typing import Any, cast

from django.contrib import admin
from django.db import models, transaction
from django.db.models.query import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from accounts.models import User
from audit import trail
from audit.models import AuditEvent


class ReadOnlyAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Staff look; nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _community_id(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "communities.community":
        return cast(int, obj.pk)
    return cast(int | None, getattr(obj, "community_id", None))


def _changes(form: ModelForm[Any]) -> dict[str, Any]:
    """The new value of each field the form changed (passwords by name only)."""
    return {name: "(changed)" if "password" in name else form.cleaned_data.get(name) for name in form.changed_data}


def record_admin(request: HttpRequest, obj: models.Model, how: str, changes: dict[str, Any] | None = None) -> None:
    trail.record(
        actor=cast(User, request.user),
        verb=f"{obj._meta.app_label}.admin_{how}",
        target=obj,
        community_id=_community_id(obj),
        model=obj._meta.model_name,
        changes=changes or {},
    )


class AuditedAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Staff change these here, and every save or delete (inlines included) leaves an audit row."""

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_admin(request, obj, "change" if change else "add", _changes(form))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        inline = cast(BaseInlineFormSet[Any, Any, Any], formset)
        for obj in inline.new_objects:
            record_admin(request, obj, "add", {name: str(getattr(obj, name, "")) for name in inline.form.base_fields})
        for obj, fields in inline.changed_objects:
            record_admin(request, obj, "change", {name: str(getattr(obj, name, "")) for name in fields})
        for obj in inline.deleted_objects:
            record_admin(request, obj, "delete")

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        record_admin(request, obj, "delete", {"was": str(obj)})
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            record_admin(request, obj, "delete", {"was": str(obj)})
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    list_display = ["created_at", "verb", "actor", "target_type", "target_id", "community"]
    list_filter = ["verb", "target_type", "community"]
    search_fields = ["verb", "actor__email", "target_type"]
    list_select_related = ["actor", "community"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "verb", "actor", "target_type", "target_id", "community", "data"]
