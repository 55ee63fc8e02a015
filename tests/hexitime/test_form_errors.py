"""How a form sent back with errors reads (templates/forms/): one "There is a problem" box that lists
each message once, as a link to its field, and each field's messages beside it, once."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from accounts.models import User
from ledger.forms import HoursField

TWICE = "Enter at most 100 hours."


class RepeatingForm(forms.Form):
    """Raises one message in several ways at once, as real forms can: a field check, the field's
    clean_<name>() and the form's clean() all saying the same words."""

    hours = HoursField(label="Hours", minimum=Decimal("0.25"), maximum=Decimal(100))
    title = forms.CharField(label="Title", error_messages={"required": "Say what the work is."})
    key = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "This form has expired."})

    def clean_hours(self) -> Any:
        hours = self.cleaned_data["hours"]
        if hours is not None and hours > 50:
            raise forms.ValidationError([TWICE, TWICE])
        return hours

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.add_error("hours", TWICE)
        self.add_error(None, TWICE)
        self.add_error(None, "Something else went wrong.")
        return cleaned


def summary(html: str) -> str:
    boxes = re.findall(r'<div class="nhsuk-error-summary".*?</ul>', html, flags=re.S)
    assert len(boxes) == 1, f"{len(boxes)} error summaries"
    return boxes[0]


def test_each_message_is_listed_once_and_links_to_its_field() -> None:
    form = RepeatingForm(data={"hours": "60", "title": ""})
    assert not form.is_valid()
    html = str(form)

    box = summary(html)
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", box, flags=re.S)]
    assert items == [
        "Something else went wrong.",
        f'<a href="#id_hours">{TWICE}</a>',
        '<a href="#id_title">Say what the work is.</a>',
        "This form has expired.",
    ]
    # Beside the field: the message once.
    beside = re.search(r'<span class="nhsuk-error-message" id="id_hours-error">(.*?)</span>\s*<input', html, re.S)
    assert beside
    assert beside.group(1).count(TWICE) == 1
    # The page says it twice in all: in the box and beside the field.
    assert html.count(TWICE) == 2


def test_a_form_with_a_prefix_names_its_summary_apart() -> None:
    form = RepeatingForm(data={"x-hours": "1"}, prefix="x")
    assert not form.is_valid()
    html = str(form)
    assert 'aria-labelledby="error-summary-title-x"' in html
    assert 'id="error-summary-title-x"' in html
    assert '<a href="#id_x-title">' in html


@pytest.mark.django_db
def test_too_many_hours_on_a_real_page_show_once_in_the_box_and_once_beside_the_field(
    bob_client: Client, alice: User
) -> None:
    page = bob_client.get(reverse("ledger:donate")).content.decode()
    data = {"recipient": f"member:{alice.pk}", "hours": "150", "note": ""}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page):
        data.setdefault(name, value)
    response = bob_client.post(reverse("ledger:donate"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li><a href="#id_hours">{TWICE}</a></li>' in summary(html)
    assert html.count(TWICE) == 2
