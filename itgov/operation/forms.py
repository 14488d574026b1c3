"""Input of operation: shape only; the rules of the measures decide the dates (art. 23, 24), the acceptance and
the warranty (art. 12)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, money_field, text_field
from itgov.construction.forms import REQUIRED, _Dated

from .choices import ArrangementMode, Decision


def _today():
    from itgov.core.dates import local_today

    return local_today()


class GoLiveForm(_Dated):
    DATE_FIELDS = ("operation_started_on",)

    operation_started_on = date_field(_("投入运行日期"))

    def clean_operation_started_on(self):
        day = self.cleaned_data["operation_started_on"]
        if day is not None and day > _today():
            raise forms.ValidationError(_("投入运行日期不得晚于今天"))
        return day


class EvaluationForm(forms.Form):
    score = forms.DecimalField(label=_("自评得分"), min_value=Decimal("0"), max_value=Decimal("100"), max_digits=4,
                               decimal_places=1,
                               error_messages={"required": _("必填"), "invalid": _("须为0至100的数,最多一位小数"),
                                               "min_value": _("须为0至100的数,最多一位小数"),
                                               "max_value": _("须为0至100的数,最多一位小数"),
                                               "max_decimal_places": _("须为0至100的数,最多一位小数"),
                                               "max_digits": _("须为0至100的数,最多一位小数")})
    summary = text_field(_("总体评价"), required=True)
    problems = text_field(_("存在的问题"), required=True)
    improvements = text_field(_("改进措施"), required=True)


class EvaluationValueForm(forms.Form):
    """One performance target's actual value (the target chosen by its id)."""

    target_id = forms.IntegerField(label=_("绩效目标"), min_value=1, max_value=2**62,
                                   error_messages={**REQUIRED, "invalid": _("须为整数"), "min_value": _("须为整数"),
                                                   "max_value": _("须为整数")})
    actual = forms.CharField(label=_("实际值"), max_length=60, error_messages=REQUIRED)
    achieved = forms.NullBooleanField(label=_("是否达到目标"), required=False)

    def clean_actual(self):
        value = self.cleaned_data["actual"].strip()
        if not value:
            raise forms.ValidationError(_("必填"))
        return value

    def clean_achieved(self):
        value = self.cleaned_data["achieved"]
        if value is None:
            raise forms.ValidationError(_("须选择是否达到目标"))
        return value


class ArrangementForm(_Dated):
    DATE_FIELDS = ("period_start", "period_end")

    mode = forms.ChoiceField(label=_("运维方式"), choices=ArrangementMode.choices,
                             error_messages={**REQUIRED, "invalid_choice": _("不是可选的运维方式")})
    provider = forms.CharField(label=_("运维团队或服务商"), max_length=120, error_messages=REQUIRED)
    period_start = date_field(_("运维期起"))
    period_end = date_field(_("运维期止"))
    security_officer = forms.CharField(label=_("安全保密责任人"), max_length=60, error_messages=REQUIRED)
    security_measures = text_field(_("信息安全保密措施"), required=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("运维期止不得早于运维期起"))
        for name in ("provider", "security_officer"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("必填"))
        return cleaned


class FundingRequestForm(forms.Form):
    year = forms.IntegerField(label=_("预算年度"), min_value=2000, max_value=2100,
                              error_messages={**REQUIRED, "invalid": _("须为年份"), "min_value": _("年度须在2000至2100之间"),
                                              "max_value": _("年度须在2000至2100之间")})
    requested_amount = money_field(_("申请金额(元)"))
    justification = text_field(_("申请理由"), required=True)


class FundingDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=Decision.choices,
                                 error_messages={**REQUIRED, "invalid_choice": _("须为“核定安排”或“不予安排”")})
    amount = money_field(_("核定金额(元)"), required=False)
    reason = text_field(_("审核意见"))

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == Decision.APPROVE and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("核定安排的须填写核定金额"))
        if decision == Decision.REJECT and not (cleaned.get("reason") or "").strip() and "reason" not in self.errors:
            self.add_error("reason", _("不予安排的须说明理由"))
        return cleaned
