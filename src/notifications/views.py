"""Notification pages: the list, opening one, settings, and the unsubscribe link from e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.http import MemberRequest
from hexitime.http import post_only_or_redirect
from notifications import access, actions, errors, queries, tokens
from notifications.forms import PreferencesForm


@login_required
def index(request: MemberRequest) -> HttpResponse:
    page = Paginator(queries.inbox(request.user), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page, "notifications": list(page)})


@login_required
def open_notification(request: MemberRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go to what it is about (only ever a path in Hexitime).

    A GET that writes only the viewer's own read state, on purpose: docs/decisions/0004-mark-read-on-view.md.
    """
    notification = access.access_notification(request.user, notification_id)
    actions.do_mark_read(member=request.user, notification=notification)
    return redirect(queries.destination(notification))


@login_required
@post_only_or_redirect(to="notifications:index")
def mark_all_read(request: MemberRequest) -> HttpResponse:
    count = actions.do_mark_all_read(member=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
    return redirect("notifications:index")


@login_required
def preferences(request: MemberRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=queries.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_preferences(member=request.user, choices=form.choices())
        except errors.PreferenceNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop one kind of e-mail from a link in the e-mail, without logging in.

    GET asks; POST does it. This view alone is exempt from CSRF protection, because RFC 8058
    one-click unsubscribe has the member's mail client (Gmail, Outlook, Apple Mail...) POST
    `List-Unsubscribe=One-Click` to the link in the `List-Unsubscribe` header, from its own
    servers: it has no session and no CSRF token, and must not be asked to log in or to follow a
    redirect. The exemption is safe because the request is authenticated by the signed token
    (notifications.tokens), which only the e-mail carries, not by a cookie a forged cross-site
    request could ride on; and the POST changes nothing but that member's own delivery for that
    one kind, to a quieter one, which the member can change back in their settings.
    """
    try:
        wish = tokens.read_token(token)
    except errors.InvalidToken as error:
        problem = {"expired": error.expired, "days": tokens.MAX_AGE.days}
        return render(request, "notifications/unsubscribe_invalid.html", problem, status=400)
    context: dict[str, object] = {"topic": tokens.topic_label(wish.topic), "is_digest": wish.is_digest}
    if not wish.is_digest:
        context["quiet"] = actions.quiet_delivery(wish.topic)
    if request.method == "POST":
        actions.do_unsubscribe(member=wish.member, topic=wish.topic)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
