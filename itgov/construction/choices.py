from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcurementMethod(models.TextChoices):
    """The procurement methods of the Government Procurement Law and its rules."""

    OPEN_TENDER = "open_tender", _("公开招标")
    INVITED_TENDER = "invited_tender", _("邀请招标")
    NEGOTIATION = "negotiation", _("竞争性谈判")
    CONSULTATION = "consultation", _("竞争性磋商")
    SINGLE_SOURCE = "single_source", _("单一来源")
    INQUIRY = "inquiry", _("询价")
    FRAMEWORK = "framework", _("框架协议")
