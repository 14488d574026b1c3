"""Input of the construction records: shape only; the rules of the measures decide whether they may be made."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, money_field, text_field

from .choices import ChangeKind, IncidentKind, ProcurementMethod

REQUIRED = {"required": _("必填"), "max_length": _("过长,最多%(limit_value)d个字符")}
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def clean_input(form_class, data: dict):
    """The cleaned input of a service, or InvalidInput (400) naming each wrong field and each unknown one."""
    from itgov.core.errors import InvalidInput

    form = form_class(data=data)
    unknown = sorted(set(data) - set(form.fields))
    if not form.is_valid() or unknown:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        errors.update({name: [str(_("不允许的字段"))] for name in unknown})
        raise InvalidInput(fields=errors)
    return form.cleaned_data


class _Dated(forms.Form):
    DATE_FIELDS: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.DATE_FIELDS:
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("日期须在2000年至2100年之间"))
        return cleaned


class ProcurementForm(_Dated):
    DATE_FIELDS = ("announced_on", "awarded_on")

    title = forms.CharField(label=_("采购项目名称"), max_length=120, error_messages=REQUIRED)
    method = forms.ChoiceField(label=_("采购方式"), choices=ProcurementMethod.choices,
                               error_messages={"required": _("必填"), "invalid_choice": _("不是可选的采购方式")})
    announced_on = date_field(_("公告(邀请)日期"))
    awarded_on = date_field(_("成交日期"), required=False)
    supplier = forms.CharField(label=_("成交供应商"), max_length=120, required=False, error_messages=REQUIRED)
    amount = money_field(_("成交金额(元)"), required=False)

    def clean(self):
        cleaned = super().clean()
        announced, awarded = cleaned.get("announced_on"), cleaned.get("awarded_on")
        if announced and awarded and awarded < announced:
            self.add_error("awarded_on", _("成交日期不得早于公告日期"))
        if awarded and not (cleaned.get("supplier") or "").strip():
            self.add_error("supplier", _("已成交的须填写成交供应商"))
        if awarded and cleaned.get("amount") is None:
            self.add_error("amount", _("已成交的须填写成交金额"))
        return cleaned


class ContractForm(_Dated):
    DATE_FIELDS = ("signed_on", "warranty_ends_on")

    title = forms.CharField(label=_("合同名称"), max_length=120, error_messages=REQUIRED)
    supplier = forms.CharField(label=_("乙方"), max_length=120, error_messages=REQUIRED)
    amount = money_field(_("合同金额(元)"))
    signed_on = date_field(_("签订日期"))
    deliverables = text_field(_("交付内容"))
    warranty_ends_on = date_field(_("质保期截止日期"), required=False)
    procurement_id = forms.IntegerField(label=_("采购"), min_value=1, max_value=2**62, required=False,
                                        error_messages={"invalid": _("须为整数")})

    def clean(self):
        cleaned = super().clean()
        signed, warranty = cleaned.get("signed_on"), cleaned.get("warranty_ends_on")
        if signed and warranty and warranty < signed:
            self.add_error("warranty_ends_on", _("质保期截止日期不得早于签订日期"))
        return cleaned


class PaymentForm(_Dated):
    DATE_FIELDS = ("paid_on",)

    def clean_paid_on(self):
        from itgov.core.dates import local_today

        day = self.cleaned_data["paid_on"]
        if day > local_today():
            raise forms.ValidationError(_("支付日期不得晚于今天:登记的是已经发生的支付"))
        return day

    amount = money_field(_("支付金额(元)"))
    paid_on = date_field(_("支付日期"))
    purpose = forms.CharField(label=_("用途"), max_length=200, error_messages=REQUIRED)
    prework = forms.BooleanField(label=_("前期工作费用"), required=False)
    contract_id = forms.IntegerField(label=_("合同"), min_value=1, max_value=2**62, required=False,
                                     error_messages={"invalid": _("须为整数")})


def _not_future(form, name: str, message) -> None:
    from itgov.core.dates import local_today

    day = form.cleaned_data.get(name)
    if day is not None and day > local_today():
        form.add_error(name, message)


ID_ERRORS = {"invalid": _("须为整数"), "required": _("必填"), "min_value": _("须为正整数"),
             "max_value": _("编号过大")}


def id_field(label, *, required=True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=2**62, required=required, error_messages=ID_ERRORS)


class PoolEntryForm(_Dated):
    DATE_FIELDS = ("valid_until",)

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={**ID_ERRORS, "min_value": _("年度须在2000至2100之间"),
                                              "max_value": _("年度须在2000至2100之间")})
    firm_id = id_field(_("监理单位"))
    qualification = forms.CharField(label=_("监理资质"), max_length=100, error_messages=REQUIRED)
    certificate_number = forms.CharField(label=_("资质证书编号"), max_length=60, error_messages=REQUIRED)
    valid_until = date_field(_("资质有效期至"))


class AppointmentForm(_Dated):
    DATE_FIELDS = ("appointed_on",)

    firm_id = id_field(_("监理单位"))
    fee = money_field(_("监理费(元)"))
    appointed_on = date_field(_("委托日期"))
    contract_id = id_field(_("监理合同"), required=False)

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "appointed_on", _("委托日期不得晚于今天"))
        return cleaned


class SupervisionReportForm(_Dated):
    DATE_FIELDS = ("period_start", "period_end")

    period_start = date_field(_("报告期起"))
    period_end = date_field(_("报告期止"))
    progress = text_field(_("进度情况"), required=True)
    quality = text_field(_("质量情况"), required=True)
    issues_found = text_field(_("发现的问题"))
    recommendations = text_field(_("监理建议"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("报告期止不得早于报告期起"))
        _not_future(self, "period_end", _("报告期止不得晚于今天"))
        return cleaned


class MonitoringForm(_Dated):
    DATE_FIELDS = ("period_end",)

    period_end = date_field(_("监控截止日期"))
    completion = forms.IntegerField(label=_("形象进度(%)"), min_value=0, max_value=100,
                                    error_messages={"invalid": _("须为0至100的整数"), "required": _("必填"),
                                                    "min_value": _("须为0至100的整数"),
                                                    "max_value": _("须为0至100的整数")})
    forecast_cost = money_field(_("预计完工总投资(元)"))
    summary = text_field(_("总体情况"), required=True)

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "period_end", _("监控截止日期不得晚于今天"))
        return cleaned


class MonitoringValueForm(forms.Form):
    position = forms.IntegerField(label=_("序号"), min_value=0, max_value=999, error_messages=ID_ERRORS)
    actual = forms.CharField(label=_("实际值"), max_length=60, error_messages=REQUIRED)
    achieved = forms.NullBooleanField(label=_("达到目标"), required=False)
    cause = text_field(_("偏差原因"), max_length=2000)


class MilestoneForm(_Dated):
    DATE_FIELDS = ("actual_date",)

    actual_date = date_field(_("实际完成日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False, error_messages=REQUIRED)

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "actual_date", _("实际完成日期不得晚于今天"))
        return cleaned


class RiskAssessmentForm(forms.Form):
    score = forms.IntegerField(label=_("评估分值(1-5)"), min_value=1, max_value=5,
                               error_messages={"invalid": _("须为1至5的整数"), "required": _("必填"),
                                               "min_value": _("须为1至5的整数"), "max_value": _("须为1至5的整数")})
    comment = text_field(_("评估意见"), required=True)


class ChangeForm(_Dated):
    DATE_FIELDS = ("proposed_end_date",)

    kinds = forms.MultipleChoiceField(label=_("变更事项"), choices=ChangeKind.choices,
                                      error_messages={"required": _("至少选择一项"),
                                                      "invalid_choice": _("不是可选的变更事项"),
                                                      "invalid_list": _("须为变更事项列表")})
    description = text_field(_("变更内容"), required=True)
    reason = text_field(_("变更理由"), required=True)
    proposed_estimate = money_field(_("变更后总投资(元)"), required=False)
    proposed_end_date = date_field(_("变更后完工日期"), required=False)

    def clean(self):
        cleaned = super().clean()
        kinds = set(cleaned.get("kinds") or [])
        if "estimate" in kinds and cleaned.get("proposed_estimate") is None:
            self.add_error("proposed_estimate", _("变更投资概算的,须填写变更后总投资"))
        if "estimate" not in kinds and cleaned.get("proposed_estimate") is not None:
            self.add_error("proposed_estimate", _("未选择“投资概算”变更事项,不应填写变更后总投资"))
        if "schedule" in kinds and cleaned.get("proposed_end_date") is None:
            self.add_error("proposed_end_date", _("变更工期的,须填写变更后完工日期"))
        if "schedule" not in kinds and cleaned.get("proposed_end_date") is not None:
            self.add_error("proposed_end_date", _("未选择“建设工期”变更事项,不应填写变更后完工日期"))
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=[("approve", _("批准")), ("refuse", _("不予批准"))],
                                 error_messages={"required": _("必填"), "invalid_choice": _("须为 approve 或 refuse")})
    reason = text_field(_("审批意见"), required=True)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("问题类型"), choices=IncidentKind.choices,
                             error_messages={"required": _("必填"), "invalid_choice": _("不是可选的问题类型")})
    description = text_field(_("情况说明"), required=True)


class ReasonForm(forms.Form):
    reason = text_field(_("理由"), required=True)


class RectificationOrderForm(_Dated):
    DATE_FIELDS = ("deadline",)

    requirements = text_field(_("整改要求"), required=True)
    deadline = date_field(_("整改期限"))
    incident_id = id_field(_("所涉问题"), required=False)

    def clean(self):
        from itgov.core.dates import local_today

        cleaned = super().clean()
        deadline = cleaned.get("deadline")
        if deadline is not None and deadline <= local_today():
            self.add_error("deadline", _("整改期限须晚于今天"))
        return cleaned


class RectificationResponseForm(forms.Form):
    response = text_field(_("整改情况"), required=True)


class RectificationReviewForm(forms.Form):
    accept = forms.BooleanField(label=_("整改完成"), required=False)
    note = text_field(_("审核意见"), required=True)


class SuspendForm(forms.Form):
    reason = text_field(_("暂停理由"), required=True)
    incident_id = id_field(_("所涉问题"), required=False)
