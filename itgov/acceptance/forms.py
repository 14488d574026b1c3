"""Input of trial operation, acceptance and rectification: shape only; the rules of the measures decide the dates,
the documents, the expert group and the decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import UploadForm as _ReportUpload
from itgov.approvals.forms import date_field, money_field, text_field
from itgov.construction.forms import REQUIRED, _Dated

from .choices import AssetCategory, DocumentKind, Result


def _today():
    from itgov.core.dates import local_today

    return local_today()


def _not_future(day):
    if day is not None and day > _today():
        raise forms.ValidationError(_("不得晚于今天"))
    return day


class CompleteForm(_Dated):
    DATE_FIELDS = ("trial_started_on",)

    trial_started_on = date_field(_("试运行开始日期"))

    def clean_trial_started_on(self):
        day = self.cleaned_data["trial_started_on"]
        if day is not None and day > _today():
            raise forms.ValidationError(_("试运行开始日期不得晚于今天"))
        return day


class ApplyForm(forms.Form):
    summary = text_field(_("建设完成情况"), required=True)
    late_explanation = text_field(_("逾期说明"))


class ReapplyForm(forms.Form):
    summary = text_field(_("整改完成情况"), required=True)


class DocumentForm(_ReportUpload):
    kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices,
                             error_messages={**REQUIRED, "invalid_choice": _("不是可选的材料类型")})


class ScheduleForm(_Dated):
    DATE_FIELDS = ("scheduled_on",)

    scheduled_on = date_field(_("验收日期"))
    location = forms.CharField(label=_("验收地点"), max_length=120, required=False, error_messages=REQUIRED)
    note = text_field(_("组织说明"))


class ExpertForm(forms.Form):
    expert_id = forms.IntegerField(label=_("专家"), min_value=1, max_value=2**62,
                                   error_messages={**REQUIRED, "invalid": _("须为整数")})


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("验收意见"), choices=Result.choices,
                                error_messages={**REQUIRED, "invalid_choice": _("须为“通过”或“不通过”")})
    opinion_text = text_field(_("意见说明"), required=True)


class PassForm(_Dated):
    DATE_FIELDS = ("decided_on",)

    decided_on = date_field(_("结论日期"))
    findings = text_field(_("验收意见"))

    def clean_decided_on(self):
        return _not_future(self.cleaned_data["decided_on"])


class FailForm(PassForm):
    DATE_FIELDS = ("decided_on", "rectification_due_on")

    findings = text_field(_("验收意见"), required=True)
    rectification_due_on = date_field(_("整改期限"))


class RefuseForm(forms.Form):
    reason = text_field(_("拒不整改的理由"), required=True)


class FilingForm(_Dated):
    DATE_FIELDS = ("filed_on",)

    filed_on = date_field(_("报送日期"))
    document_number = forms.CharField(label=_("报送文号"), max_length=60, required=False, error_messages=REQUIRED)
    note = text_field(_("备注"))

    def clean_filed_on(self):
        return _not_future(self.cleaned_data["filed_on"])


class AssetForm(forms.Form):
    name = forms.CharField(label=_("资产名称"), max_length=120, error_messages=REQUIRED)
    category = forms.ChoiceField(label=_("资产类别"), choices=AssetCategory.choices,
                                 error_messages={**REQUIRED, "invalid_choice": _("不是可选的资产类别")})
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=10**6,
                                  error_messages={**REQUIRED, "invalid": _("须为整数"), "min_value": _("须大于0"),
                                                  "max_value": _("数量过大")})
    value = money_field(_("价值(元)"), allow_zero=True)
    custodian_unit_id = forms.IntegerField(label=_("使用管理单位"), min_value=1, max_value=2**62,
                                           error_messages={**REQUIRED, "invalid": _("须为整数")})
    location = forms.CharField(label=_("存放地点"), max_length=120, error_messages=REQUIRED)
