"""The closed lists of the district data-resource catalogue (art. 27–29), after the national 政务信息资源目录编制指南
(试行) (发改高技〔2017〕1272号): resource classes, formats, sharing and open types, update cycles, item data types."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itgov.approvals.choices import SharingType  # noqa: F401  (art. 29: one list, the application's and the catalogue's)


class SystemStatus(models.TextChoices):
    """Where an information system stands. A project's system follows its project (in operation once the project
    went live, art. 23–24); a system a unit registers states its own."""

    BUILDING = "building", _("建设中")
    OPERATING = "operating", _("运行中")
    RETIRED = "retired", _("已停用")


class ResourceClass(models.TextChoices):
    """The catalogue's three classes (编制指南: 基础信息资源目录、主题信息资源目录、部门信息资源目录)."""

    BASIC = "basic", _("基础")
    THEMATIC = "thematic", _("主题")
    DEPARTMENTAL = "departmental", _("部门")


CLASS_DIGITS = {ResourceClass.BASIC: "1", ResourceClass.THEMATIC: "2", ResourceClass.DEPARTMENTAL: "3"}


class ResourceFormat(models.TextChoices):
    """信息资源格式 (编制指南 4.3)."""

    FILE = "file", _("电子文件")
    SPREADSHEET = "spreadsheet", _("电子表格")
    DATABASE = "database", _("数据库")
    IMAGE = "image", _("图形图像")
    STREAM = "stream", _("流媒体")
    SELF_DESCRIBING = "self_describing", _("自描述格式")
    OTHER = "other", _("其他")


class SharingMethod(models.TextChoices):
    """共享方式 (编制指南: 共享平台方式 / 邮件或拷贝 / 其他)."""

    INTERFACE = "interface", _("共享平台接口")
    EXCHANGE = "exchange", _("共享平台文件交换")
    QUERY = "query", _("在线查询")
    OFFLINE = "offline", _("离线拷贝")


class OpenType(models.TextChoices):
    """开放类型 (编制指南)."""

    OPEN = "open", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    CLOSED = "closed", _("不予开放")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    IRREGULAR = "irregular", _("不定时")


class ItemType(models.TextChoices):
    """信息项数据类型 (编制指南: 字符型C、数值型N、货币型Y、日期型D、日期时间型T、逻辑型L、备注型M、二进制B)."""

    CHAR = "C", _("字符型")
    NUMBER = "N", _("数值型")
    CURRENCY = "Y", _("货币型")
    DATE = "D", _("日期型")
    DATETIME = "T", _("日期时间型")
    LOGICAL = "L", _("逻辑型")
    MEMO = "M", _("备注型")
    BINARY = "B", _("二进制")


class InterfaceKind(models.TextChoices):
    API = "api", _("数据接口")
    FILE = "file", _("文件交换")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", pgettext_lazy("sharing request", "不同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class RequestState(models.TextChoices):
    """Where a sharing request stands, its deadline included (art. 29 with the profile's answer period)."""

    PENDING = "pending", _("待答复")
    OVERDUE = "overdue", _("逾期未答复")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", pgettext_lazy("sharing request", "不同意")
    WITHDRAWN = "withdrawn", _("已撤回")
