"""Input of trial operation and the acceptance application: shape only; the rules decide the dates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, text_field


class CompleteForm(forms.Form):
    trial_started_on = date_field(_("试运行开始日期"))

    def clean_trial_started_on(self):
        from itgov.core.dates import local_today

        day = self.cleaned_data["trial_started_on"]
        if day > local_today():
            raise forms.ValidationError(_("试运行开始日期不得晚于今天"))
        return day


class ApplyForm(forms.Form):
    summary = text_field(_("建设完成情况"), required=True)
    late_explanation = text_field(_("逾期说明"))
