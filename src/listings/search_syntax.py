"""Web-search syntax (words, "phrases", -exclusions, OR) parsed into parts both backends can use.

PostgreSQL reads the raw text with websearch_to_tsquery. SQLite's FTS5 has its own query
language, so the parsed parts are turned into an FTS5 expression in which every word and phrase
is a quoted string: nothing a member types can be read as an FTS5 operator, column filter or SQL.
"""

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class ParsedQuery:
    """Groups are ORed together; within a group every term must match. Excluded terms must not."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def to_fts5(self) -> str:
        """An FTS5 MATCH expression; empty when there is nothing to look for."""
        if not self.groups:
            return ""
        ored = " OR ".join("(" + " AND ".join(_quote(t) for t in group) + ")" for group in self.groups)
        expression = f"({ored})"
        for term in self.excluded:
            expression += f" NOT {_quote(term)}"
        return expression


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _searchable(text: str) -> str:
    """Only the word characters of a term, so that a term of punctuation or emoji alone drops out."""
    return " ".join(WORD.findall(text))


def parse(text: str) -> ParsedQuery:
    """Parse a member's search box text; never fails, whatever it contains."""
    text = text[:MAX_QUERY_LENGTH]
    tokens = re.findall(r'(-?)"([^"]*)"?|(\S+)', text)
    parsed = ParsedQuery()
    group: list[str] = []
    for minus, phrase, word in tokens:
        if word == "OR":
            if group:
                parsed.groups.append(group)
                group = []
            continue
        negated = bool(minus) or (word.startswith("-") and len(word) > 1)
        raw = phrase if (phrase or minus) else word.lstrip("-") if negated else word
        term = _searchable(raw)
        if not term:
            continue
        (parsed.excluded if negated else group).append(term)
    if group:
        parsed.groups.append(group)
    return parsed
