"""htmx requests: a fragment or the whole page."""


def is_partial(request) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")
