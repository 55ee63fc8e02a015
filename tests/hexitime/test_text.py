"""Member text is cleaned on the way in: hexitime.text and the form fields that use it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from hexitime.forms import CleanCharField, CleanTextField
from hexitime.text import clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Sam Patel", "Sam Patel"),
        ("  Sam   Patel  ", "Sam Patel"),
        ("Sam\nBcc: victim@example.org", "Sam Bcc: victim@example.org"),
        ("Sam\r\nBcc: x", "Sam Bcc: x"),
        ("Sam\u2028Bcc: x", "Sam Bcc: x"),
        ("Sam\u2029Patel", "Sam Patel"),
        ("Sam\x85Patel", "Sam Patel"),
        ("Run\x02 charts\x03", "Run charts"),
        ("\x00\x07\x1b[31mred", "[31mred"),
        ("a\tb", "a b"),
        ("Sam\u200bPatel", "SamPatel"),
        ("\ufeffSam", "Sam"),
        ("abc\u202egpj.exe", "abcgpj.exe"),
        ("\u2066Sam\u2069", "Sam"),
        ("\u202aSam\u202c", "Sam"),
        ("Sam\ue000Patel\ue001", "SamPatel"),
        ("Zoë Ó Briain", "Zoë Ó Briain"),
        ("\U0001f469\u200d\u2695\ufe0f nurse", "\U0001f469\u200d\u2695\ufe0f nurse"),  # emoji keep their joiner
        ("\x02\x03", ""),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("First line\nSecond line", "First line\nSecond line"),
        ("First\r\nSecond\rThird", "First\nSecond\nThird"),
        ("First\u2028Second\u2029Third", "First\nSecond\nThird"),
        ("Para one\n\nPara two", "Para one\n\nPara two"),
        ("Run\x02 charts\x03 help", "Run charts help"),
        ("a\tb", "a b"),
        ("bell\x07 escape\x1b nul\x00 del\x7f c1\x9b", "bell escape nul del c1"),
        ("abc\u202egpj.exe\u202c", "abcgpj.exe"),
        ("zero\u200bwidth", "zerowidth"),
        ("marker\ue000s\uf8ff", "markers"),
        ("  padded  \n", "padded"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_char_field_cleans_before_checking_length_and_required() -> None:
    field = CleanCharField(max_length=5)
    assert field.clean("ab\u202ecd\u200b\x03") == "abcd"  # seven characters typed, four kept
    with pytest.raises(Exception, match="required"):
        field.clean("\x02\x03\u200b")


def test_clean_text_field_keeps_line_breaks_and_is_a_text_area() -> None:
    field = CleanTextField(required=False)
    assert field.clean("one\r\ntwo\x03") == "one\ntwo"
    assert field.clean("") == ""
    assert field.widget.__class__.__name__ == "Textarea"


@pytest.mark.django_db
def test_a_display_name_cannot_forge_lines_in_an_email(alice: User, alice_client: Client) -> None:
    data = {
        "display_name": "Alice\r\nBcc: everyone@example.org\u202e",
        "pronouns": "she/\x1bher",
        "role": "analyst",
        "organisation": "River\u200bside",
        "bio": "Line one\r\nLine two\x02",
        "availability": "Tuesdays\nand Fridays",
        "preferred_mode": "remote",
    }
    response = alice_client.post(reverse("accounts:profile_edit"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice)
    assert profile.display_name == "Alice Bcc: everyone@example.org"
    assert (profile.pronouns, profile.organisation) == ("she/her", "Riverside")
    assert (profile.bio, profile.availability) == ("Line one\nLine two", "Tuesdays and Fridays")


@pytest.mark.django_db
def test_a_name_of_only_invisible_characters_is_refused(alice: User, alice_client: Client) -> None:
    data = {"display_name": "\u200b\x02\u202e", "role": "analyst", "preferred_mode": "remote"}
    response = alice_client.post(reverse("accounts:profile_edit"), data)
    assert response.status_code == 200
    assert "Enter the name other members will see." in response.content.decode()
    assert Profile.objects.get(user=alice).display_name == "Alice Adams"
