"""Conversations in the admin, for looking only: messages change through conversations.actions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import ReadOnlyAdmin
from conversations.models import Block, Conversation, Message, MessageReport, Participant


class ParticipantInline(admin.TabularInline[Participant, Conversation]):
    model = Participant
    fields = readonly_fields = ("member", "joined_at", "last_activity_at", "last_incoming_at", "last_read_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin[Conversation]):
    list_display = ["pk", "kind", "exchange", "member_low", "member_high", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["exchange", "member_low__profile", "member_high__profile"]
    inlines = [ParticipantInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin[Message]):
    list_display = ["pk", "conversation", "author", "created_at", "listing"]
    list_select_related = ["author__profile", "listing", "conversation"]
    raw_id_fields = ["conversation", "author", "listing"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin[Block]):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker__profile", "blocked__profile"]


@admin.register(MessageReport)
class MessageReportAdmin(ReadOnlyAdmin[MessageReport]):
    list_display = ["pk", "message", "reporter", "created_at", "resolved_at", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["message", "reporter__profile", "resolved_by__profile"]
    raw_id_fields = ["message", "reporter", "resolved_by"]
