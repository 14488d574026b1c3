from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("审计中")
    CLOSED = "closed", _("已结案")


class RequestKind(models.TextChoices):
    """What the audit bureau asks the unit for (art. 25: 如实提供建设项目有关资料和情况)."""

    DOCUMENTS = "documents", _("调阅资料")
    EXPLANATION = "explanation", _("说明情况")


class RequestState(models.TextChoices):
    """Where a request stands: unanswered before or after its deadline, answered on time or late."""

    OPEN = "open", _("待报送")
    OVERDUE = "overdue", _("已逾期")
    ANSWERED = "answered", _("已报送")
    ANSWERED_LATE = "answered_late", _("逾期报送")
