"""One wording everywhere: allauth's pages, messages and e-mails say "Log in", "Sign up", "e-mail",
in sentence case, name the site Hexitime, and never call a member "Member 32"."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from communities.models import Community
from tests.factories import MembershipFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

STRONG = "improvement-for-all-2026"
PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "en_GB" / "LC_MESSAGES" / "django.po"
# allauth's words that Hexitime does not use: Title Case headings and buttons, "Email", "Sign In".
ALLAUTH_WORDING = re.compile(r"Sign In|Sign Up|Sign Out|Remember Me|Email|email|Password \(again\)|Forgot Password")


def visible_text(response: HttpResponseBase) -> str:
    """The page's text without tags, attributes, scripts or styles: what a member reads."""
    html = getattr(response, "content", b"").decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sign_up(client: Client, email: str) -> None:
    response = client.post(reverse("account_signup"), {"email": email, "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302


# --- The pages -------------------------------------------------------------------------------------


def test_log_in_page_uses_the_sites_words() -> None:
    text = visible_text(Client().get(reverse("account_login")))
    assert "Log in" in text
    assert "E-mail address" in text
    assert "Remember me" in text
    assert "Forgot your password?" in text
    assert not ALLAUTH_WORDING.search(text), ALLAUTH_WORDING.findall(text)


def test_log_in_form_labels_its_fields_in_the_sites_words() -> None:
    html = Client().get(reverse("account_login")).content.decode()
    assert re.search(r'<label class="nhsuk-label" for="id_login">\s*E-mail address', html)
    assert re.search(r'<label[^>]*for="id_remember">\s*Remember me', html)
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Log in\s*</button>', html)


def test_sign_up_page_uses_the_sites_words() -> None:
    response = Client().get(reverse("account_signup"))
    text = visible_text(response)
    assert "Sign up" in text
    assert "E-mail address" in text
    assert "Confirm password" in text
    assert re.search(r"Already have an account\? Then please log in ?\.", text)
    assert not ALLAUTH_WORDING.search(text), ALLAUTH_WORDING.findall(text)
    assert re.search(r"<title>\s*Sign up\s*– Hexitime</title>", response.content.decode())


def test_pages_after_sign_up_use_the_sites_words() -> None:
    client = Client()
    sign_up(client, "sam.patel@example.org")
    text = visible_text(client.get(reverse("account_email_verification_sent")))
    assert "Verify your e-mail address" in text
    assert "We have sent you an e-mail. Open the link in it to finish signing up." in text
    assert not ALLAUTH_WORDING.search(text), ALLAUTH_WORDING.findall(text)

    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(mail.outbox[0].body))
    assert path
    text = visible_text(client.get(path.group(1)))
    assert "Confirm your e-mail address" in text
    assert "Please confirm that sam.patel@example.org is your e-mail address." in text
    assert not ALLAUTH_WORDING.search(text.replace("sam.patel@example.org", "")), ALLAUTH_WORDING.findall(text)


def test_password_reset_and_log_out_pages_use_the_sites_words(alice_client: Client) -> None:
    text = visible_text(Client().get(reverse("account_reset_password")))
    assert "Reset password" in text
    assert "Reset my password" in text
    assert not ALLAUTH_WORDING.search(text), ALLAUTH_WORDING.findall(text)

    text = visible_text(alice_client.get(reverse("account_logout")))
    assert "Are you sure you want to log out?" in text
    assert not ALLAUTH_WORDING.search(text), ALLAUTH_WORDING.findall(text)


def test_a_wrong_password_is_told_in_plain_words() -> None:
    UserFactory(email="member@example.org")
    response = Client().post(reverse("account_login"), {"login": "member@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in visible_text(response)


def test_every_override_in_the_catalogue_is_compiled() -> None:
    """The committed .mo holds every string of the .po: a .po edited without recompiling fails here."""
    text = PO_FILE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', text, flags=re.M)
    assert len(entries) > 100

    def unquote(lines: str) -> str:
        return "".join(
            re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), line[1:-1])
            for line in lines.splitlines()
        )

    with translation.override("en-gb"):
        for msgid, msgstr in entries:
            if unquote(msgid):
                assert gettext(unquote(msgid)) == unquote(msgstr)


# --- The verification e-mail ----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:8100", "testserver"])
def test_verification_email_names_hexitime_and_links_to_site_url(settings, host: str) -> None:
    settings.SITE_URL = "https://hexitime.example.org"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    sign_up(Client(HTTP_HOST=host), "sam.patel@example.org")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Hexitime] Confirm your e-mail address"
    body = str(message.body)
    assert body.startswith("Hello sam.patel,\n")
    assert "Someone, probably you, used this e-mail address to sign up to Hexitime" in body
    assert re.search(r"^https://hexitime\.example\.org/accounts/confirm-email/[^\s/]+/$", body, flags=re.M)
    assert "Thank you for using Hexitime.\nhttps://hexitime.example.org/" in body
    assert host not in body
    assert "Member" not in body
    assert "Hello from" not in body
    assert "user " not in body


def test_password_reset_email_links_to_site_url(settings) -> None:
    settings.SITE_URL = "https://hexitime.example.org"
    UserFactory(email="member@example.org", profile__display_name="Dana Doe")
    response = Client().post(reverse("account_reset_password"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Hexitime] Reset your password"
    body = str(message.body)
    assert body.startswith("Hello Dana Doe,\n")
    assert re.search(r"^https://hexitime\.example\.org/accounts/password/reset/key/\S+/$", body, flags=re.M)
    assert "testserver" not in body


# --- The name of a member who has not saved a profile yet ----------------------------------------


def test_before_the_profile_is_saved_others_see_a_new_member_and_the_member_sees_their_address_start(
    community: Community,
) -> None:
    created = UserFactory(email="sam.patel@example.org", profile__display_name="", profile__onboarded_at=None)
    newcomer = User.objects.select_related("profile").get(pk=created.pk)
    assert newcomer.display_name == "A new member"
    assert str(newcomer) == "A new member"
    assert newcomer.name_for_self == "sam.patel"

    newcomer.profile.display_name = "Sam Patel"
    newcomer.profile.save()
    assert newcomer.display_name == newcomer.name_for_self == "Sam Patel"


def test_the_header_shows_a_new_member_the_start_of_their_address() -> None:
    newcomer = UserFactory(email="sam.patel@example.org", profile__display_name="", profile__onboarded_at=None)
    text = visible_text(client_for(newcomer).get(reverse("accounts:welcome")))
    assert "Logged in as sam.patel" in text
    assert "Member" not in re.sub(r"members?\b", "", text, flags=re.I)


def test_other_members_never_see_a_new_members_address(community: Community, bob_client: Client) -> None:
    newcomer = UserFactory(email="sam.patel@example.org", profile__display_name="")
    MembershipFactory(member=newcomer, community=community)
    response = bob_client.get(reverse("accounts:profile", kwargs={"member_id": newcomer.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<h1 class="nhsuk-heading-l">A new member', html)
    assert "sam.patel" not in html
    assert f"Member {newcomer.pk}" not in html


def test_a_digest_greets_a_new_member_by_the_start_of_their_address(django_capture_on_commit_callbacks) -> None:
    from notifications import digests
    from notifications.actions import Note, notify
    from notifications.kinds import Delivery, Kind
    from notifications.models import NotificationPreference
    from tests.tasks import run_due_tasks

    newcomer = UserFactory(email="sam.patel@example.org", profile__display_name="")
    NotificationPreference.objects.create(member=newcomer, kind=Kind.CREDITS_RECEIVED, delivery=Delivery.DAILY)
    notify(newcomer, Note(kind=Kind.CREDITS_RECEIVED, title="You received 1 hour", url="/credits/", event_key="t:1"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digests.send_daily_digests(timezone.now() + timedelta(minutes=1))
    run_due_tasks()

    [message] = mail.outbox
    assert str(message.body).startswith("Hello sam.patel,")
    assert "A new member" not in str(message.body)
