"""Input of the construction records: shape only; the rules of the measures decide whether they may be made."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, money_field, text_field

from .choices import ProcurementMethod

REQUIRED = {"required": _("必填"), "max_length": _("过长,最多%(limit_value)d个字符")}
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


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
    DATE_FIELDS = ("signed_on",)

    title = forms.CharField(label=_("合同名称"), max_length=120, error_messages=REQUIRED)
    supplier = forms.CharField(label=_("乙方"), max_length=120, error_messages=REQUIRED)
    amount = money_field(_("合同金额(元)"))
    signed_on = date_field(_("签订日期"))
    deliverables = text_field(_("交付内容"))
    procurement_id = forms.IntegerField(label=_("采购"), min_value=1, max_value=2**62, required=False,
                                        error_messages={"invalid": _("须为整数")})


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
