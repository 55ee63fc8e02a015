"""Site-wide pages: home, health check and error pages."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import MemberRequest
from hexitime.context_processors import header_counts
from hexitime.widgets import understood

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def hours_hint(request: HttpRequest) -> HttpResponse:
    """What an hours box's text is understood as ("That is 1 h 30 min."), for the hint under the box.

    htmx sends the box's own value under its name (hours, member_overdraft...): the first value is read.
    Nothing is stored and nothing private is read, so it needs no log-in.
    """
    text = str(next(iter(request.GET.values()), ""))
    return HttpResponse(escape(understood(text)), content_type="text/html; charset=utf-8")


@login_required
@require_GET
def unread_counts(request: MemberRequest) -> HttpResponse:
    """The header's two unread counts, swapped in out of band by htmx every 30 seconds."""
    context = {"counts": header_counts(request.user)}
    return render(request, "includes/unread_counts_oob.html", context)


def _error_message(exception: Exception | None) -> str:
    """A message written for members (our own Http404/PermissionDenied texts), else nothing."""
    message = str(exception) if exception and exception.args else ""
    return message if message.endswith(".") and "matches the given query" not in message else ""


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", {"message": _error_message(exception)}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"message": _error_message(exception)}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/429.html", status=429)
