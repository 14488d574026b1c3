"""Art. 2: the closed lists that define what is a project under the measures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    NETWORK_PLATFORM = "network_platform", _("全区统一电子政务网络平台")
    BUSINESS_SYSTEM = "business_system", _("重点业务信息系统")
    RESOURCE_DATABASE = "resource_database", _("信息资源库")
    SECURITY_INFRASTRUCTURE = "security_infrastructure", _("信息安全基础设施")
    EGOV_INFRASTRUCTURE = "egov_infrastructure", _("电子政务基础设施(数据中心、机房等)")
    STANDARDS = "standards", _("电子政务标准化体系")
    SUPPORT_SYSTEM = "support_system", _("相关支撑体系")


class ConstructionType(models.TextChoices):
    NEW = "new", _("新建")
    RENOVATION = "renovation", _("改造")
    UPGRADE = "upgrade", _("升级")
