"""Reads the conversation pages and the header need."""

from accounts.models import User


def unread_conversation_count(member: User) -> int:
    return 0  # placeholder until conversations land (this session)
