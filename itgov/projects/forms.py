"""Input validation of project data — one form, used by the pages and (through the services) the API."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from itgov.planning.models import PlanTask

from .models import Project

# An amount above 10 billion yuan (100亿元) is not a district IT project: refuse it as a typing error.
MAX_INVESTMENT = Decimal("10000000000.00")

EDITABLE_FIELDS = ["name", "kind", "construction_type", "classified", "estimated_investment",
                   "responsible_person", "responsible_phone", "necessity", "construction_content",
                   "data_sharing_intent", "plan_task"]
TEXT_LIMIT = 5000


class ProjectForm(forms.ModelForm):
    estimated_investment = forms.DecimalField(
        label=_("估算总投资(元)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
        max_value=MAX_INVESTMENT,
        error_messages={"min_value": _("须大于0"), "max_value": _("不得超过100亿元"),
                        "max_decimal_places": _("最多两位小数"), "invalid": _("请输入金额(元)")},
    )
    plan_task = forms.ModelChoiceField(label=_("发展规划任务"), queryset=PlanTask.objects.none(), required=False,
                                       error_messages={"invalid_choice": _("请选择现行发展规划中的任务")})
    responsible_phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\-() ]{0,20}$", required=False,
                                         error_messages={"invalid": _("电话号码格式不正确")})

    class Meta:
        model = Project
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_task"].queryset = self._offered_tasks()
        for name in ("necessity", "construction_content", "data_sharing_intent"):
            self.fields[name].max_length = TEXT_LIMIT
            self.fields[name].validators.append(MaxLengthValidator(TEXT_LIMIT))
            self.fields[name].widget.attrs.update(rows=3, maxlength=TEXT_LIMIT)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def _offered_tasks(self):
        """Art. 6: a proposal serves a task of the development plan in force; a draft keeps the task it already
        serves (of an edition since revised) until its unit changes it."""
        from itgov.planning.devplan_selectors import offered_tasks

        offered = offered_tasks()
        if self.instance.pk and self.instance.plan_task_id:
            keep = PlanTask.objects.filter(pk=self.instance.plan_task_id)
            return (PlanTask.objects.filter(pk__in=offered.values("pk")) | keep).select_related("plan").order_by(
                "number", "id")
        return offered

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if len(name) < 4:
            raise forms.ValidationError(_("项目名称至少4个字"))
        return name


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}
