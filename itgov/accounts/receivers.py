"""Sign-in events for the audit trail (art. 25). These are security records of the request itself, not
business logic: Django and django-axes announce them only through signals."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from itgov.audit import events
from itgov.audit.services import audit_record_now


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record_now(event_type=events.AUTH_LOGIN, actor=user, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record_now(event_type=events.AUTH_LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    audit_record_now(event_type=events.AUTH_LOGIN_FAILED, actor=None, actor_name=username or "?",
                     object_repr=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record_now(event_type=events.AUTH_LOCKED_OUT, actor=None, actor_name=str(username or "?")[:150],
                     object_repr=str(username or ""))
