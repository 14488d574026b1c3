"""Policy profiles: a jurisdiction's parameters, versioned by effective date (art. 31)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.organizations.models import Jurisdiction

from .parameters import validate_parameters


class PolicyProfile(models.Model):
    """The parameters of one version of a jurisdiction's measures. A case is judged by the profile in
    force at its date; a profile already in force is never edited — a new version is added instead."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT,
                                     related_name="policy_profiles")
    name = models.CharField(_("名称"), max_length=120)
    source = models.CharField(_("依据文件"), max_length=200, blank=True)
    effective_from = models.DateField(_("生效日期"))
    parameters = models.JSONField(_("参数"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策参数版本")
        verbose_name_plural = _("政策参数版本")
        ordering = ["jurisdiction", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "effective_from"],
                                               name="one_profile_per_effective_date")]

    def __str__(self) -> str:
        return f"{self.name}({self.effective_from:%Y-%m-%d}起)"

    def clean(self):
        errors = validate_parameters(self.parameters)
        if errors:
            raise ValidationError({"parameters": [f"{k}: {'; '.join(v)}" for k, v in errors.items()]})

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day
