"""Request types for views: a view behind login_required receives a MemberRequest."""

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.models import User


class MemberRequest(HttpRequest):
    """A request from a signed-in member (views decorated with login_required)."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def report_form_errors(request: HttpRequest, form: BaseForm, *, ignore: tuple[str, ...] = ()) -> None:
    """Show every error of a form as a message (for forms that redirect or filter a page)."""
    for field, errors in form.errors.items():
        if field not in ignore:
            for error in errors:
                messages.error(request, str(error))
