"""Showing messages: plain text escaped, web addresses made into links, nothing else let through."""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from conversations import queries

register = template.Library()

# Only http and https addresses become links. An address ends at white space, a quote or an angle bracket.
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Punctuation that usually ends a sentence rather than an address: "see https://example.org."
TRAILING = ".,;:!?"
BRACKETS = {")": "(", "]": "["}


def _split_trailing(url: str) -> tuple[str, str]:
    """Leave sentence punctuation and unbalanced closing brackets out of the link."""
    end = len(url)
    while end:
        last = url[end - 1]
        unbalanced = last in BRACKETS and url[:end].count(last) > url[:end].count(BRACKETS[last])
        if last not in TRAILING and not unbalanced:
            break
        end -= 1
    return url[:end], url[end:]


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def _link(url: str) -> str:
    href = escape(url)
    return f'<a href="{href}" rel="nofollow noopener">{href}</a>'


@register.filter
def linkify(text: object) -> SafeString:
    """The text with every character escaped and each http(s) address turned into a link.

    Whatever the text holds (HTML, script, javascript: addresses), only the links made here are markup.
    """
    text = "" if text is None else str(text)
    out: list[str] = []
    position = 0
    for match in URL.finditer(text):
        url, trailing = _split_trailing(match.group(0))
        if not _is_web_address(url):
            continue
        out.append(escape(text[position : match.start()]))
        out.append(_link(url))
        out.append(escape(trailing))
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece above is escaped


@register.simple_tag
def has_blocked(member: User, other: User) -> bool:
    """Whether the member has blocked the other (for the profile's block link)."""
    return queries.has_blocked(member, other.pk)
