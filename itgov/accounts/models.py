"""Users, their role grants (scoped to a unit subtree) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from itgov.organizations.models import Unit

from .choices import Role


class User(AbstractUser):
    """A person who signs in. Belongs to one unit; powers come from RoleGrants, never from flags."""

    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="users")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def grants(self) -> list[RoleGrant]:
        """Active grants, loaded once per request (with their units' paths)."""
        if not self.pk:
            return []
        return list(self.role_grants.select_related("unit").all())

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def scope_paths(self, role: str) -> list[str]:
        """Unit subtrees (materialised paths) this user holds `role` on."""
        return [g.unit.path for g in self.grants if g.role == role and g.unit_id]


class RoleGrant(models.Model):
    """`user` holds `role` over `unit` and the units below it. Bureau roles are jurisdiction-wide."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("作用单位"), null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for another system acting as `user`. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return "itg_" + secrets.token_urlsafe(32)
