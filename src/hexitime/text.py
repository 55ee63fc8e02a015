"""Clean member text on the way in: one rule for every field a member types into.

Member text ends up in pages, plain-text e-mails, notices and search snippets. Characters that
are invisible or that change how text around them reads have no place there: control characters
(a line break in a name forges a "Bcc:" line in a plain-text e-mail body; the old search
highlight markers were control characters), line and paragraph separators, zero-width spaces,
bidirectional overrides (they turn "gpj.exe" into something else on screen) and private-use
characters (the markers search uses for highlights, so member text can never produce one).

``clean_line`` is for one-line fields (names, titles): everything above goes, any run of white
space becomes one space. ``clean_text`` is for multi-line fields (descriptions, messages): line
breaks stay (normalised to ``\\n``), everything else above goes.

Zero-width joiners and non-joiners (U+200C, U+200D) stay: emoji such as the health worker and
several scripts need them, and they cannot break a line or reorder text.
"""

import re

# Bidirectional embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_BIDI = "\u202a-\u202e\u2066-\u2069"
# Zero-width space, word joiner and invisible operators, zero-width no-break space (BOM),
# Mongolian vowel separator.
_ZERO_WIDTH = "\u200b\u2060-\u2064\ufeff\u180e"
# The Basic Multilingual Plane's private-use area: search highlight markers live here.
_PRIVATE_USE = "\ue000-\uf8ff"
# C0 controls, DEL and C1 controls.
_CONTROLS = "\x00-\x1f\x7f-\x9f"

_INVISIBLE = re.compile(f"[{_BIDI}{_ZERO_WIDTH}{_PRIVATE_USE}]")
# In a line, white-space controls (tab, line breaks, separators) become spaces, then collapse;
# the other controls go.
_LINE_BREAKING = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]")
_CONTROL = re.compile(f"[{_CONTROLS}]")
_SPACES = re.compile(r"\s+")
# In text, line and paragraph separators become line breaks; a tab becomes a space; other
# controls go.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_line(text: str) -> str:
    """One line of member text: no controls or invisible characters, white space collapsed."""
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", _LINE_BREAKING.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """Multi-line member text: line breaks kept as ``\\n``, controls and invisible characters gone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    return _TEXT_CONTROLS.sub("", text).strip()
