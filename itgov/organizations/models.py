"""Jurisdictions, units and the expert pool (art. 4, 19, 22)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped

from .choices import BureauRole, JurisdictionLevel, UnitKind


class Jurisdiction(TimeStamped):
    """A government level whose measures itgov runs: the district now, a city or province later.

    Its policy profiles (rules.PolicyProfile) carry its thresholds with effective dates."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStamped):
    """An organisation: one of the bureaus of art. 4, an owner unit (department, street), or a supervision
    firm. Units form a tree (a grant on a unit covers its subtree); `path` is the materialised path."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT,
                                     related_name="units")
    code = models.SlugField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    bureau_role = models.CharField(_("职能(第四条)"), max_length=16, choices=BureauRole.choices, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="/")
    is_active = models.BooleanField(_("启用"), default=True)
    document_prefix = models.CharField(_("发文字号前缀"), max_length=20, blank=True,
                                       help_text=_("如“鼓发改审”:立项批复文号为 鼓发改审〔2026〕12号"))

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau_role", "jurisdiction"], condition=~models.Q(bureau_role=""),
                                    name="one_bureau_per_role"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.code}/"


class Expert(TimeStamped):
    """A member of the district expert pool (art. 22, 28: expert groups for acceptance and assessment)."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT)
    name = models.CharField(_("姓名"), max_length=40)
    specialty = models.CharField(_("专业领域"), max_length=60)
    employer = models.CharField(_("工作单位"), max_length=100)
    employer_unit = models.ForeignKey(Unit, verbose_name=_("所在本区单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="experts",
                                      help_text=_("专家受雇于本区某单位时填写;该单位的项目不得由其评审(回避)"))
    user = models.OneToOneField("accounts.User", verbose_name=_("登录账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="expert")
    title = models.CharField(_("职称"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}({self.specialty})"
