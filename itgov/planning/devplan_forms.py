"""Input of the development plan (art. 6): shape only (types, lengths, ranges); the rules decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 5000
MAX_SPAN_YEARS = 10  # a plan covers a five-year period; ten is the longest that is not a typing error

YEAR_ERRORS = {"required": _("必填"), "min_value": _("年度不合理"), "max_value": _("年度不合理"),
               "invalid": _("须为整数")}


def year_field(label):
    return forms.IntegerField(label=label, min_value=2000, max_value=2100, error_messages=YEAR_ERRORS)


class DevelopmentPlanForm(forms.Form):
    name = forms.CharField(label=_("规划名称"), max_length=120, strip=True,
                           error_messages={"required": _("必填"), "max_length": _("不得超过120个字符")})
    start_year = year_field(_("起始年度"))
    end_year = year_field(_("截止年度"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end_year", _("截止年度不得早于起始年度"))
            elif end - start + 1 > MAX_SPAN_YEARS:
                self.add_error("end_year", _("规划期不得超过%(n)d年") % {"n": MAX_SPAN_YEARS})
        return data


class PlanTaskForm(forms.Form):
    number = forms.CharField(label=_("任务编号"), max_length=10, strip=True,
                             error_messages={"required": _("必填"), "max_length": _("不得超过10个字符")})
    title = forms.CharField(label=_("任务名称"), max_length=120, strip=True,
                            error_messages={"required": _("必填"), "max_length": _("不得超过120个字符")})
    description = forms.CharField(label=_("任务内容"), max_length=TEXT_LIMIT, required=False, strip=True,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"max_length": _("不得超过5000个字符")})
    lead_unit_id = forms.IntegerField(label=_("牵头单位"), required=False, min_value=1, max_value=2**62,
                                      error_messages={"invalid": _("须为整数"), "min_value": _("单位不存在"),
                                                      "max_value": _("单位不存在")})
