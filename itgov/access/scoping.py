"""Unit-subtree scoping: a grant on a unit covers the units below it (materialised paths)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from itgov.accounts.choices import BUREAU_ROLES, Role


def is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def unit_in_scope(user, unit, role: str = Role.OWNER) -> bool:
    if unit is None or not is_authenticated(user):
        return False
    return any(unit.path.startswith(p) for p in user.scope_paths(role))


def is_owner_user(user, obj) -> bool:
    """Does `user` act for the owner unit of `obj` (anything with an `owner_unit`)?"""
    return unit_in_scope(user, getattr(obj, "owner_unit", None))


def scope_q(user, field: str, role: str = Role.OWNER) -> Q | None:
    """A filter matching rows whose `field` (a Unit FK path, e.g. 'owner_unit') lies in the user's scope."""
    paths = user.scope_paths(role) if is_authenticated(user) else []
    if not paths:
        return None
    return reduce(or_, [Q(**{f"{field}__path__startswith": p}) for p in paths])


def is_bureau_user(user) -> bool:
    return is_authenticated(user) and bool(user.roles & BUREAU_ROLES)
