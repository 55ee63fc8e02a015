"""Helpers for views: htmx requests, form errors as messages, action URLs that answer GET with a redirect.

The request type of member pages, MemberRequest, lives with accounts (accounts.http).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def report_form_errors(request: HttpRequest, form: BaseForm, *, ignore: tuple[str, ...] = ()) -> None:
    """Show every error of a form as a message (for forms that redirect or filter a page)."""
    for field, errors in form.errors.items():
        if field not in ignore:
            for error in errors:
                messages.error(request, str(error))


def post_only_or_redirect(
    *, to: str, kwargs: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """An action URL (it changes something, so it acts only on POST) that answers GET with a redirect.

    A GET reaches an action URL when a session was lost between showing a page and pressing its
    button: the log-in page returns to the action's URL with a GET. Instead of "405 Method Not
    Allowed", the member lands on the page the action was on (the URL named `to`, reversed with the
    view's arguments named in `kwargs`) and can press the button again. Nothing is changed by a GET.
    Other methods (PUT, DELETE...) still get 405. Put it under login_required, so the log-in comes first.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **view_kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                return view(request, *args, **view_kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(reverse(to, kwargs={name: view_kwargs[name] for name in kwargs}))
            return HttpResponseNotAllowed(["POST"])

        wrapper.post_only_redirects_to = to  # type: ignore[attr-defined]  # for the test that lists them all
        return wrapper

    return decorator
