"""Middleware of Hexitime's own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from hexitime.http import is_htmx


class HtmxLoginRedirectMiddleware:
    """Send an htmx request whose session has ended to the log-in page, as a whole page.

    login_required answers with a redirect, which htmx would follow and then swap the log-in
    page into the part it updates (a message thread polling every ten seconds, say). For htmx
    requests the redirect becomes an ``HX-Redirect`` header, so the browser goes there instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_htmx(request) or response.status_code != 302:
            return response
        location = response.get("Location", "")
        if not location.startswith(resolve_url(settings.LOGIN_URL)):
            return response
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = location
        return redirect
