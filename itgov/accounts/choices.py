from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles the measures give powers to (art. 4), plus the system administrator."""

    OWNER = "owner", _("建设单位")
    DRC = "drc", _("区发改委(大数据局)")
    FINANCE = "finance", _("区财政局")
    AUDIT = "audit", _("区审计局")
    CYBERSPACE = "cyberspace", _("区网信办")
    GOVERNMENT = "government", _("区政府")
    SUPERVISOR = "supervisor", _("监理单位")
    EXPERT = "expert", _("评审专家")
    SYSADMIN = "sysadmin", _("系统管理员")


BUREAU_ROLES = frozenset({Role.DRC, Role.FINANCE, Role.AUDIT, Role.CYBERSPACE, Role.GOVERNMENT})
