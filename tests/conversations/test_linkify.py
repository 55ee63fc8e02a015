"""The linkify filter: plain text escaped, http(s) addresses made into links, nothing else let through."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from conversations.templatetags.conversations import linkify

REL = 'rel="nofollow noopener"'


def link(url: str) -> str:
    return f'<a href="{url}" {REL}>{url}</a>'


def test_plain_text_is_escaped() -> None:
    assert linkify("Fish & chips < 5 > 3 \"quoted\" 'single'") == (
        "Fish &amp; chips &lt; 5 &gt; 3 &quot;quoted&quot; &#x27;single&#x27;"
    )


def test_http_and_https_addresses_become_links() -> None:
    assert linkify("See https://example.org/a?b=1&c=2 and http://nhs.uk") == (
        f"See {link('https://example.org/a?b=1&amp;c=2')} and {link('http://nhs.uk')}"
    )


def test_sentence_punctuation_and_unbalanced_brackets_stay_outside_the_link() -> None:
    assert linkify("Read https://example.org/x.") == f"Read {link('https://example.org/x')}."
    assert linkify("(see https://example.org/x)") == f"(see {link('https://example.org/x')})"
    assert linkify("https://en.wikipedia.org/wiki/Run_chart_(QI)!") == (
        f"{link('https://en.wikipedia.org/wiki/Run_chart_(QI)')}!"
    )


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>click</a>",
        "<iframe src=https://evil.example></iframe>",
        "</p><p onclick=alert(1)>",
        "&lt;script&gt; already escaped",
    ],
)
def test_html_and_script_are_never_markup(attack: str) -> None:
    result = str(linkify(attack))
    assert "<script" not in result
    assert "<img" not in result
    assert "<iframe" not in result
    assert "<p" not in result
    assert 'onerror="' not in result
    assert "<a href='javascript" not in result
    # The only tags are links made here.
    assert result.count("<") == result.count("<a href=") + result.count("</a>")


def test_javascript_and_other_schemes_are_not_links() -> None:
    for text in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox",
        "ftp://example.org/file",
        "mailto:someone@example.org",
    ):
        result = str(linkify(text))
        assert "<a " not in result, text


def test_a_javascript_address_hiding_an_http_one_links_only_the_http_part() -> None:
    result = str(linkify("javascript:alert(1)//http://example.org"))
    assert result == f"javascript:alert(1)//{link('http://example.org')}"


def test_quotes_cannot_break_out_of_the_href() -> None:
    result = str(linkify('https://example.org/"onmouseover="alert(1)'))
    assert result == f"{link('https://example.org/')}&quot;onmouseover=&quot;alert(1)"
    result = str(linkify("https://example.org/a'b"))
    assert 'href="https://example.org/a"' in result


def test_an_address_without_a_host_is_text() -> None:
    assert linkify("http:// and https://") == "http:// and https://"
    assert linkify("https://[::1") == "https://[::1"


def test_text_marked_safe_is_still_escaped() -> None:
    assert linkify(mark_safe("<b>bold</b>")) == "&lt;b&gt;bold&lt;/b&gt;"


def test_in_a_template_the_result_is_not_escaped_twice() -> None:
    template = Template("{% load conversations %}{{ body|linkify }}")
    rendered = template.render(Context({"body": "<b> https://example.org"}))
    assert rendered == f"&lt;b&gt; {link('https://example.org')}"


def test_line_breaks_and_none() -> None:
    assert linkify("one\ntwo") == "one\ntwo"
    assert linkify(None) == ""
