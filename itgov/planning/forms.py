"""Input of the declaration: shape only (types, lengths, ranges); the rules decide the rest."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AdjustmentKind, LineType, PlanClass

MAX_AMOUNT = Decimal("10000000000.00")  # 100亿元, as for a project's estimate
TEXT_LIMIT = 2000
# An exception extends the Q3 window for one unit; one longer than a year would void the window (art. 8).
MAX_EXCEPTION_SPAN = dt.timedelta(days=366)


class DeclarationLineForm(forms.Form):
    project_id = forms.IntegerField(label=_("项目"), min_value=1, max_value=2**62,
                                    error_messages={"required": _("必填"), "invalid": _("须为整数")})
    line_type = forms.ChoiceField(label=_("类型"), choices=LineType.choices)
    requested_amount = forms.DecimalField(
        label=_("申请年度资金(元)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT,
        error_messages={"min_value": _("须大于0"), "max_value": _("不得超过100亿元"),
                        "max_decimal_places": _("最多两位小数"), "invalid": _("请输入金额(元)"), "required": _("必填")})
    proposed_class = forms.ChoiceField(label=_("建议类别"), choices=PlanClass.choices)
    justification = forms.CharField(label=_("申报理由"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
                                    error_messages={"required": _("必填")})

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise forms.ValidationError(_("必填"))
        return text


class DeclarationExceptionForm(forms.Form):
    unit_id = forms.IntegerField(label=_("单位"), min_value=1, max_value=2**62, error_messages={"required": _("必填")})
    reason = forms.CharField(label=_("理由"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("必填")})
    deadline = forms.DateTimeField(label=_("截止时间"), error_messages={"required": _("必填"),
                                                                     "invalid": _("时间格式不正确")})

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError(_("必填"))
        return text

    def clean_deadline(self):
        from django.utils import timezone

        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("截止时间须晚于现在"))
        if deadline - timezone.now() > MAX_EXCEPTION_SPAN:
            raise forms.ValidationError(_("例外的截止时间不得超过一年"))
        return deadline


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100,
                              error_messages={"required": _("必填"), "min_value": _("年度不合理"),
                                              "max_value": _("年度不合理")})
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


# --- the annual investment plan (art. 8–10) ---------------------------------------------------------------

MONEY_ERRORS = {"min_value": _("不得为负数"), "max_value": _("不得超过100亿元"), "max_decimal_places": _("最多两位小数"),
                "invalid": _("请输入金额(元)"), "required": _("必填"), "max_digits": _("金额过大")}


def money_field(label, *, required=True, minimum=Decimal("0")):
    return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2, min_value=minimum,
                              max_value=MAX_AMOUNT, error_messages=MONEY_ERRORS)


def _text(label, *, required=False, max_length=TEXT_LIMIT, rows=2):
    return forms.CharField(label=label, required=required, max_length=max_length, strip=True,
                           widget=forms.Textarea(attrs={"rows": rows}), error_messages={"required": _("必填")})


class AnnualPlanForm(forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100,
                              error_messages={"required": _("必填"), "min_value": _("年度不合理"),
                                              "max_value": _("年度不合理"), "invalid": _("须为整数")})
    capacity = money_field(_("财政承受能力(元)"), required=False)
    note = _text(_("说明"))


class AnnualPlanUpdateForm(forms.Form):
    capacity = money_field(_("财政承受能力(元)"), required=False)
    note = _text(_("说明"))


class PlanLineForm(forms.Form):
    """A line as it should stand; `project_id` and `line_type` only when it is added."""

    plan_class = forms.ChoiceField(label=_("类别"), choices=PlanClass.choices,
                                   error_messages={"required": _("必填"), "invalid_choice": _("须为A、B或C")})
    amount = money_field(_("年度安排资金(元)"))
    prework_amount = money_field(_("其中前期工作经费(元)"), required=False)
    priority = forms.IntegerField(label=_("优先级评分"), min_value=0, max_value=100, required=False,
                                  error_messages={"min_value": _("须在0至100之间"), "max_value": _("须在0至100之间"),
                                                  "invalid": _("须为整数")})
    must_start_reason = _text(_("必须开工的理由"))
    skip_reason = _text(_("跨类别安排的理由"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False, strip=True)

    def clean(self):
        data = super().clean()
        amount, prework = data.get("amount"), data.get("prework_amount")
        if prework is None and "prework_amount" not in self.errors:
            data["prework_amount"] = prework = Decimal("0")
        if data.get("priority") is None and "priority" not in self.errors:
            data["priority"] = 50
        if amount is not None and prework is not None and prework > amount:
            self.add_error("prework_amount", _("前期工作经费不得超过年度安排资金"))
        return data


class PlanLineAddForm(PlanLineForm):
    project_id = forms.IntegerField(label=_("项目"), min_value=1, max_value=2**62,
                                    error_messages={"required": _("必填"), "invalid": _("须为整数")})
    line_type = forms.ChoiceField(label=_("类型"), choices=LineType.choices,
                                  error_messages={"required": _("必填"), "invalid_choice": _("须为建设或运维")})
    requested_amount = money_field(_("申报金额(元)"), required=False)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("调整类型"), choices=AdjustmentKind.choices, required=False,
                             error_messages={"invalid_choice": _("调整类型不正确")})
    reason = _text(_("调整理由"), required=True, rows=3)
    new_capacity = money_field(_("调整后财政承受能力(元)"), required=False)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or AdjustmentKind.CHANGE


class AdjustmentItemForm(forms.Form):
    project_id = forms.IntegerField(label=_("项目"), min_value=1, max_value=2**62,
                                    error_messages={"required": _("必填"), "invalid": _("须为整数")})
    line_type = forms.ChoiceField(label=_("类型"), choices=LineType.choices,
                                  error_messages={"required": _("必填"), "invalid_choice": _("须为建设或运维")})
    remove = forms.BooleanField(label=_("调出计划"), required=False)
    plan_class = forms.ChoiceField(label=_("类别"), choices=PlanClass.choices, required=False,
                                   error_messages={"invalid_choice": _("须为A、B或C")})
    amount = money_field(_("年度安排资金(元)"), required=False)
    prework_amount = money_field(_("其中前期工作经费(元)"), required=False)
    must_start_reason = _text(_("必须开工的理由"))
    skip_reason = _text(_("跨类别安排的理由"))

    def clean(self):
        data = super().clean()
        if data.get("remove"):
            return data
        for name in ("plan_class", "amount"):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("必填"))
        if data.get("prework_amount") is None and "prework_amount" not in self.errors:
            data["prework_amount"] = Decimal("0")
        amount, prework = data.get("amount"), data.get("prework_amount")
        if amount is not None and prework is not None and prework > amount:
            self.add_error("prework_amount", _("前期工作经费不得超过年度安排资金"))
        return data
