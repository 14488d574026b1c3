"""Who is acting and from where, for the audit trail, without threading the request through services.

The middleware sets it for web and API requests; management commands and jobs set it with `acting_as`.
Services still take `actor` explicitly; this only carries the IP address and the channel.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    channel: str = "system"  # web | api | command | job | system


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("itgov_request", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def using(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR") or None
