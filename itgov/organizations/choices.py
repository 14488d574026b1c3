from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("职能部门(第四条)")
    DEPARTMENT = "department", _("区级部门")
    STREET = "street", _("街道")
    SUPERVISION_FIRM = "supervision_firm", _("监理单位")


class BureauRole(models.TextChoices):
    """The five bodies of art. 4 and what each is for."""

    DRC = "drc", _("区发改委(大数据局)")
    FINANCE = "finance", _("区财政局")
    AUDIT = "audit", _("区审计局")
    CYBERSPACE = "cyberspace", _("区网信办")
    GOVERNMENT = "government", _("区政府")


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区(县)")
