"""Input of the declaration: shape only (types, lengths, ranges); the rules decide the rest."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import LineType, PlanClass

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
