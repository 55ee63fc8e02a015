"""An htmx request after the session ended goes to the log-in page as a whole page."""

from urllib.parse import parse_qs

from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conversations.factories import send


def test_an_htmx_poll_after_log_out_redirects_the_whole_page(alice: User, bob: User) -> None:
    conversation = send(alice, bob).conversation
    url = reverse("conversations:poll", kwargs={"conversation_id": conversation.pk}) + "?after=0"
    response = Client().get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204
    login, _, query = response["HX-Redirect"].partition("?")
    assert (login, parse_qs(query)) == (reverse("account_login"), {"next": [url]})


def test_a_plain_request_after_log_out_is_redirected_as_before(alice: User, bob: User) -> None:
    conversation = send(alice, bob).conversation
    url = reverse("conversations:thread", kwargs={"conversation_id": conversation.pk})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "HX-Redirect" not in response
