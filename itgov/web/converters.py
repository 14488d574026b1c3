"""Path converters of the pages, registered on import (before any view module builds its patterns)."""

import re

from django.urls import re_path, register_converter


class IdConverter:
    """A database id: at most 18 digits, so a longer number is a 404, not an integer overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


def route(pattern: str, view, url_name: str, /, **regexes: str):
    """A page's URL: each `<thing>` of the (regex) `pattern` is an id captured as `thing_id`, unless `regexes`
    gives `thing` its own expression (captured as `thing`). `route(r"plans/<plan>/export\\.pdf", …)`."""

    def group(match) -> str:
        key = match.group(1)
        return f"(?P<{key}>{regexes[key]})" if key in regexes else f"(?P<{key}_id>{IdConverter.regex})"

    return re_path("^" + re.sub(r"<([a-z_]+)>", group, pattern) + "$", view, name=url_name)
