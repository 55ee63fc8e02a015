"""Path converters. `<id:name>` is a database id: 1 to 19 ASCII digits, at most 2**63 - 1.

Django's `<int:...>` accepts any number of digits, so /members/99999999999999999999/ reached the
database; an id out of range now matches no URL, and the member sees the usual "not found" page.
"""

from django.urls import register_converter

from hexitime.parsing import parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django tries the next pattern, and in the end answers 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


def register() -> None:
    """Called once from HexitimeConfig.ready, before any URL configuration is read."""
    register_converter(IdConverter, "id")
