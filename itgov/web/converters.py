"""Path converters of the pages, registered on import (before any view module builds its patterns)."""

from django.urls import register_converter


class IdConverter:
    """A database id: at most 18 digits, so a longer number is a 404, not an integer overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
