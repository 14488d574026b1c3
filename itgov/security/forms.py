"""Input of the security records (art. 30): shape only — types, lengths, ranges and the dates a record may carry.
Whether the actor may record, and whether the system may be recorded here at all (art. 5), is decided by the
policies and the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, text_field
from itgov.construction.forms import REQUIRED, _Dated, id_field

from .choices import AssessmentKind, AssessmentResult, Severity

FILING_FIELDS = ("filing_number", "filed_on", "filing_authority")


def _today():
    from itgov.core.dates import local_today

    return local_today()


class FilingForm(_Dated):
    """The graded protection level (定级) and, once filed with the public security organ, the filing (备案): its
    number, day and authority — all three or none."""

    DATE_FIELDS = ("filed_on",)

    protection_level = forms.TypedChoiceField(
        label=_("等级保护级别"), coerce=int, choices=[(n, n) for n in range(1, 6)],
        error_messages={"required": _("必填"), "invalid_choice": _("须为1至5级")})
    filing_number = forms.CharField(label=_("等保备案编号"), max_length=60, required=False, error_messages=REQUIRED)
    filed_on = date_field(_("备案日期"), required=False)
    filing_authority = forms.CharField(label=_("备案机关"), max_length=100, required=False, error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the labels are in the language of the request.
        self.fields["protection_level"].choices = [(n, gettext("第%(n)d级") % {"n": n}) for n in range(1, 6)]

    def clean_filed_on(self):
        day = self.cleaned_data.get("filed_on")
        if day is not None and day > _today():
            raise forms.ValidationError(_("备案日期不得晚于今天"))
        return day

    def clean(self):
        cleaned = super().clean()
        for name in ("filing_number", "filing_authority"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        given = [name for name in FILING_FIELDS if cleaned.get(name) or self.errors.get(name)]
        if given:
            for name in FILING_FIELDS:
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, _("备案编号、备案日期和备案机关须一并填写"))
        return cleaned


class AssessmentForm(_Dated):
    """An assessment report: kind, day (not after today), body, conclusion, optional score (0–100), report number
    and summary of the problems found."""

    DATE_FIELDS = ("assessed_on",)

    kind = forms.ChoiceField(label=_("测评类型"), choices=AssessmentKind.choices,
                             error_messages={**REQUIRED, "invalid_choice": _("不是可选的测评类型")})
    assessed_on = date_field(_("测评日期"))
    assessor = forms.CharField(label=_("测评机构"), max_length=100, error_messages=REQUIRED)
    result = forms.ChoiceField(label=_("测评结论"), choices=AssessmentResult.choices,
                               error_messages={**REQUIRED, "invalid_choice": _("须为“符合”“基本符合”或“不符合”")})
    score = forms.DecimalField(
        label=_("得分"), required=False, max_digits=5, decimal_places=2, min_value=Decimal("0"),
        max_value=Decimal("100"),
        error_messages={"invalid": _("须为数字"), "min_value": _("须在0至100之间"), "max_value": _("须在0至100之间"),
                        "max_decimal_places": _("最多两位小数"), "max_digits": _("须在0至100之间")})
    report_number = forms.CharField(label=_("报告编号"), max_length=60, error_messages=REQUIRED)
    summary = text_field(_("主要问题"))

    def clean_assessed_on(self):
        day = self.cleaned_data.get("assessed_on")
        if day is not None and day > _today():
            raise forms.ValidationError(_("测评日期不得晚于今天:登记的是已经完成的测评"))
        return day


class FindingForm(_Dated):
    """A finding to remediate by a deadline after today, optionally from one of the system's assessments."""

    DATE_FIELDS = ("due_on",)

    description = text_field(_("问题描述"), required=True)
    severity = forms.ChoiceField(label=_("风险等级"), choices=Severity.choices,
                                 error_messages={**REQUIRED, "invalid_choice": _("须为高、中或低风险")})
    due_on = date_field(_("整改期限"))
    assessment_id = id_field(_("来源测评"), required=False)

    def clean_due_on(self):
        day = self.cleaned_data.get("due_on")
        if day is not None and day <= _today():
            raise forms.ValidationError(_("整改期限须晚于今天"))
        return day


class RemediationForm(_Dated):
    """The remediation of a finding: the day it was done (not after today) and what was done."""

    DATE_FIELDS = ("remediated_on",)

    remediated_on = date_field(_("整改完成日期"))
    remediation = text_field(_("整改情况"), required=True)

    def clean_remediated_on(self):
        day = self.cleaned_data.get("remediated_on")
        if day is not None and day > _today():
            raise forms.ValidationError(_("整改完成日期不得晚于今天"))
        return day
