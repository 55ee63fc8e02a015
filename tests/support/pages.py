"""Reading a response as a member would."""

import re
from typing import Any


def text(response: Any) -> str:
    """The page's text with tags removed and spaces collapsed, to read it as a member would."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(content.replace("&#x27;", "'").replace("&quot;", '"').split())
