"""The request type of member pages: a view behind login_required receives a MemberRequest."""

from django.http import HttpRequest

from accounts.models import User


class MemberRequest(HttpRequest):
    """A request from a signed-in member (views decorated with login_required)."""

    user: User
