"""The operator's record of every change: one row per action, written in the action's transaction.

Rows are only ever inserted (audit.trail.record); nothing in the code updates or deletes them, and on
PostgreSQL a trigger refuses both (migrations/0002_append_only). The timelines members see
(communities.MembershipEvent, exchanges.ExchangeEvent) are separate: this table is for operators.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who acted; empty when the system did (e.g. an automatic confirmation)."),
    )
    verb = models.CharField(max_length=80, help_text=_("What was done, as app.action, e.g. exchanges.confirm."))
    target_type = models.CharField(max_length=80, blank=True, help_text=_("The kind of thing changed, app.model."))
    target_id = models.BigIntegerField(null=True, blank=True)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True, help_text=_("What changed, in a few values."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_created"),
            models.Index(fields=["community", "created_at"], name="audit_community_created"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}:{self.target_id} by {self.actor_id or 'system'}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only: they are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only: they are never deleted.")
