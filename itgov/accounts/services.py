"""Writes on accounts: tokens and grants. Every one is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from itgov.audit import events
from itgov.audit.services import audit_record

from .models import ApiToken, User, hash_token


def api_token_issue(*, actor: User | None, user: User, name: str = "") -> str:
    """Issue a bearer token for `user`; returns the raw token (shown once, stored only as a hash)."""
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:60], prefix=raw[4:12], key_hash=hash_token(raw))
        audit_record(event_type=events.TOKEN_ISSUED, actor=actor, obj=user,
                     after={"token_prefix": token.prefix, "name": token.name})
    return raw


def api_token_authenticate(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw), revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
