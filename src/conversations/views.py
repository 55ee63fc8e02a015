"""Conversation pages. Thin: access checks find the conversation, actions change it, errors become messages.

Every page works without JavaScript (forms post, then redirect). With htmx, the thread polls a
fragment for messages newer than the last one shown, and sending appends the message in place.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import access_profile
from accounts.http import MemberRequest
from accounts.models import User
from accounts.queries import pick_members
from communities.access import coordinated_community_ids
from conversations import access, actions, queries
from conversations.errors import MessagingError
from conversations.forms import MessageForm, ReportForm, ResolveReportForm, ThreadMessageForm
from conversations.models import Conversation, Message
from hexitime.http import is_htmx, post_only_or_redirect, report_form_errors
from hexitime.parsing import parse_id, parse_position
from listings.access import access_listing
from listings.models import Listing


@login_required
@require_GET
def inbox(request: MemberRequest) -> HttpResponse:
    me = request.user
    page = Paginator(queries.inbox(me), queries.INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (place, [person.member for person in place.conversation.people if person.member_id != me.pk])  # type: ignore[attr-defined]
        for place in page
    ]
    context = {"page": page, "rows": rows, "is_coordinator": coordinated_community_ids(me).exists()}
    return render(request, "conversations/inbox.html", context)


@login_required
@require_GET
def thread(request: MemberRequest, conversation_id: int) -> HttpResponse:
    conversation = access.access_conversation(request.user, conversation_id)
    return _render_thread(request, conversation, ThreadMessageForm())


def _render_thread(request: MemberRequest, conversation: Conversation, form: ThreadMessageForm) -> HttpResponse:
    me = request.user
    before = parse_position(request.GET.get("before"))
    shown, has_earlier = queries.thread_messages(conversation, before=before)
    # A GET that writes only the viewer's own read state, on purpose: docs/decisions/0004-mark-read-on-view.md
    if shown and before is None:
        actions.do_mark_read(member=me, conversation=conversation, up_to=shown[-1].created_at)
    people = queries.thread_people(conversation)
    others = [place.member for place in people if place.member_id != me.pk]
    blocked = queries.blocked_ids(me, [other.pk for other in others])
    after = shown[-1].pk if shown else 0
    if not form.is_bound:
        form = ThreadMessageForm(initial={"after": after})
    if conversation.exchange is not None:
        heading = _("Messages about %(title)s") % {"title": conversation.exchange.title}
    else:
        heading = _("Conversation with %(name)s") % {"name": ", ".join(other.display_name for other in others)}
    context = {
        "conversation": conversation,
        "heading": heading,
        "me": me,
        "thread_messages": shown,
        "has_earlier": has_earlier,
        "is_latest": before is None,
        "others": [(other, other.pk in blocked) for other in others],
        "form": form,
        "after": after,
    }
    return render(request, "conversations/thread.html", context)


@login_required
@require_GET
def poll(request: MemberRequest, conversation_id: int) -> HttpResponse:
    """Messages newer than the last one shown, for htmx to append; 204 when there are none.

    Seeing them in an open thread counts as reading them.
    """
    conversation = access.access_conversation(request.user, conversation_id)
    after = parse_position(request.GET.get("after"))
    if after is None:
        return HttpResponseBadRequest(_("Say after which message to look."))
    new = queries.messages_after(conversation, after)
    if not new:
        return HttpResponse(status=204)
    # A GET that writes only the viewer's own read state, on purpose: docs/decisions/0004-mark-read-on-view.md
    actions.do_mark_read(member=request.user, conversation=conversation, up_to=new[-1].created_at)
    context = {"new_messages": new, "after": new[-1].pk, "me": request.user, "conversation": conversation}
    return HttpResponse(render_to_string("conversations/includes/poll.html", context))


@login_required
@post_only_or_redirect(to="conversations:thread", kwargs=("conversation_id",))
def send(request: MemberRequest, conversation_id: int) -> HttpResponse:
    """Write in a thread. Without JavaScript: post, then redirect. With htmx: the new messages and a fresh form."""
    conversation = access.access_conversation(request.user, conversation_id)
    form = ThreadMessageForm(request.POST)
    if form.is_valid():
        try:
            message = actions.do_post_message(
                author=request.user, conversation=conversation, body=form.cleaned_data["body"]
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            if is_htmx(request):
                return _sent_fragment(request, conversation, message, form.cleaned_data["after"])
            return redirect(f"{conversation.get_absolute_url()}#latest")
    if is_htmx(request):
        context = {"conversation": conversation, "form": form, "oob": True}
        return render(request, "conversations/includes/compose.html", context)
    return _render_thread(request, conversation, form)


def _sent_fragment(
    request: MemberRequest, conversation: Conversation, message: Message, after: int | None
) -> HttpResponse:
    # A missing or forged "after" (past the message just sent) shows at least that message.
    new = queries.messages_after(conversation, message.pk - 1 if after is None or after >= message.pk else after)
    actions.do_mark_read(member=request.user, conversation=conversation, up_to=new[-1].created_at)
    form = ThreadMessageForm(initial={"after": new[-1].pk})
    form.fields["body"].widget.attrs["autofocus"] = True  # the new, empty form keeps the writer's place
    context = {"conversation": conversation, "new_messages": new, "me": request.user, "form": form, "oob": True}
    return render(request, "conversations/includes/sent.html", context)


@login_required
def start(request: MemberRequest) -> HttpResponse:
    """Write to a member from their profile (?member=) or to a listing's author about it (?listing=).

    Nothing is created on GET: a pair that already talks goes to its conversation, others get
    a form; the conversation starts with the first message sent.
    """
    if request.method == "GET" and not request.GET.get("listing") and not request.GET.get("member"):
        return _pick_recipient(request)
    listing, recipient = _start_target(request)
    back = listing.get_absolute_url() if listing else recipient.profile.get_absolute_url()
    if recipient.pk == request.user.pk:
        messages.error(request, _("You can't send a message to yourself."))
        return redirect(back)
    existing = queries.direct_conversation_between(request.user, recipient.pk)
    if request.method == "GET" and listing is None and existing is not None:
        return redirect(existing)
    initial = {}
    if listing is not None and listing.author_id == request.user.pk:  # "Ask them" from one's own listing
        initial["body"] = _("Hello %(name)s, could you help with my request “%(title)s”?") % {
            "name": recipient.display_name,
            "title": listing.title,
        }
    form = MessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = actions.do_send_direct(
                sender=request.user, recipient=recipient, body=form.cleaned_data["body"], listing=listing
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(message.conversation)
    context = {"form": form, "recipient": recipient, "listing": listing, "existing": existing, "back": back}
    return render(request, "conversations/start.html", context)


def _pick_recipient(request: MemberRequest) -> HttpResponse:
    """A new message with nobody chosen yet: find a member by name (htmx suggests as you type)."""
    pick = pick_members(request.user, name=request.GET.get("name", ""), page=parse_id(request.GET.get("page")) or 1)
    context = {"pick": pick}
    if is_htmx(request):
        return render(request, "conversations/pick.html#choices", context)
    return render(request, "conversations/pick.html", context)


def _start_target(request: MemberRequest) -> tuple[Listing | None, User]:
    listing_id = parse_id(request.GET.get("listing"))
    member_id = parse_id(request.GET.get("member"))
    if listing_id is not None:
        listing = access_listing(request.user, listing_id)
        if member_id is not None and listing.author_id == request.user.pk:
            # The author asks a member who could help with their listing.
            return listing, access_profile(request.user, member_id).user
        return listing, listing.author
    if member_id is not None:
        return None, access_profile(request.user, member_id).user
    raise Http404(_("Choose a member or a listing to write to."))


@login_required
def exchange_thread(request: MemberRequest, exchange_id: int) -> HttpResponse:
    """An exchange's own thread: its page if it has started, otherwise a form to start it."""
    exchange = access.access_exchange_thread(request.user, exchange_id)
    existing = Conversation.objects.filter(exchange=exchange).first()
    if request.method == "GET" and existing is not None:
        return redirect(existing)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = actions.do_send_about_exchange(
                sender=request.user, exchange=exchange, body=form.cleaned_data["body"]
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(message.conversation)
    return render(request, "conversations/start_exchange.html", {"form": form, "exchange": exchange})


@login_required
def block(request: MemberRequest, member_id: int) -> HttpResponse:
    """Block a member (GET explains and asks; POST blocks)."""
    other = access.access_member(request.user, member_id)
    if other.pk == request.user.pk:
        messages.error(request, _("You can't block yourself."))
        return redirect("conversations:inbox")
    if request.method == "POST":
        try:
            actions.do_block(blocker=request.user, blocked=other)
        except MessagingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "You have blocked %(name)s. They can't send you messages. They are not told now; "
                    "if they try to write to you, they'll see that they can't."
                )
                % {"name": other.display_name},
            )
        return redirect("conversations:block", member_id=other.pk)
    context = {"other": other, "is_blocked": queries.has_blocked(request.user, other.pk)}
    return render(request, "conversations/block.html", context)


@login_required
@post_only_or_redirect(to="conversations:block", kwargs=("member_id",))
def unblock(request: MemberRequest, member_id: int) -> HttpResponse:
    other = access.access_member(request.user, member_id)
    if actions.do_unblock(blocker=request.user, blocked=other):
        messages.success(request, _("You have unblocked %(name)s.") % {"name": other.display_name})
    return redirect("conversations:block", member_id=other.pk)


@login_required
def report(request: MemberRequest, conversation_id: int, message_id: int) -> HttpResponse:
    message = access.access_message(request.user, conversation_id, message_id)
    if message.author_id == request.user.pk:
        messages.error(request, _("You can't report your own message."))
        return redirect(message.conversation)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_report_message(reporter=request.user, message=message, reason=form.cleaned_data["reason"])
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. The coordinators will look at this message."))
            return redirect(message.conversation)
    return render(request, "conversations/report.html", {"message": message, "form": form})


@login_required
@require_GET
def reports(request: MemberRequest) -> HttpResponse:
    """Open reports for the coordinators of a community shared by the reporter and the author."""
    visible = access.access_reports(request.user)
    page = Paginator(queries.open_reports(visible), queries.REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(report, ResolveReportForm(prefix=f"report-{report.pk}")) for report in page]
    return render(request, "conversations/reports.html", {"page": page, "rows": rows})


@login_required
@post_only_or_redirect(to="conversations:reports")
def resolve_report(request: MemberRequest, report_id: int) -> HttpResponse:
    report = access.access_report(request.user, report_id)
    form = ResolveReportForm(request.POST, prefix=f"report-{report.pk}")
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("conversations:reports")
    try:
        actions.do_resolve_report(coordinator=request.user, report=report, note=form.cleaned_data["note"])
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The report is marked as dealt with."))
    return redirect("conversations:reports")
