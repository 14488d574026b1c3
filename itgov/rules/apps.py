from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "itgov.rules"
    label = "policy"
    verbose_name = _("政策参数")
