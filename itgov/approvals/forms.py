"""Input of the initiation approval: shape only (types, lengths, ranges); the rules of the measures decide
whether the content is enough. One set of forms for the API (through the services) and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import (
    CHECKLIST_ITEMS,
    DataDirection,
    DocumentKind,
    ExpertOpinion,
    FundSource,
    SharedPlatform,
    SharingConclusion,
    SharingType,
    TargetCategory,
)
from .models import INVESTMENT_FIELDS, InitiationApplication

MAX_AMOUNT = Decimal("10000000000.00")  # 100亿元, as for a project's estimate
TEXT_LIMIT = 5000
MAX_ROWS = 100  # milestones, targets, data resources, budget lines: more is a typing accident
MAX_UPLOAD = 50 * 1024 * 1024
UPLOAD_EXTENSIONS = (".pdf", ".ofd", ".doc", ".docx", ".wps", ".zip")
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
REQUIRED = {"required": _("必填")}


def money_field(label, *, required=True, allow_zero=False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, required=required, max_value=MAX_AMOUNT,
        min_value=Decimal("0.00") if allow_zero else Decimal("0.01"),
        error_messages={"min_value": _("不得为负数") if allow_zero else _("须大于0"), "max_value": _("不得超过100亿元"),
                        "max_decimal_places": _("最多两位小数"), "invalid": _("请输入金额(元)"),
                        "max_digits": _("金额过大"), "required": _("必填")})


def date_field(label, *, required=True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           error_messages={"invalid": _("日期格式须为 YYYY-MM-DD"), "required": _("必填")})


def text_field(label, *, required=False, max_length=TEXT_LIMIT, rows=3) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
                           error_messages={"required": _("必填"), "max_length": _("过长,最多%(limit_value)d个字符")})


def _in_range(day: dt.date | None) -> dt.date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(_("日期须在2000年至2100年之间"))
    return day


class ApplicationForm(forms.ModelForm):
    """The application's own fields. Left-out fields keep their values (the service merges first)."""

    hardware = money_field(_("硬件购置(元)"), allow_zero=True)
    software = money_field(_("软件开发及购置(元)"), allow_zero=True)
    services = money_field(_("服务费用(元)"), allow_zero=True)
    integration = money_field(_("系统集成(元)"), allow_zero=True)
    supervision_fee = money_field(_("监理费(元)"), allow_zero=True)
    prework = money_field(_("前期工作费用(元)"), allow_zero=True)
    other = money_field(_("其他费用(元)"), allow_zero=True)
    start_date = date_field(_("计划开工"), required=False)
    end_date = date_field(_("计划完工"), required=False)
    shared_platforms = forms.MultipleChoiceField(
        label=_("复用的统一平台"), choices=SharedPlatform.choices, required=False,
        widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": _("“%(value)s”不是可选的统一平台")})
    protection_level = forms.TypedChoiceField(
        label=_("拟定等级保护级别"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")],
        error_messages={"invalid_choice": _("须为1至5级")})

    class Meta:
        model = InitiationApplication
        fields = ["construction_content", "scale", "standards", "technical_approach", *INVESTMENT_FIELDS,
                  "start_date", "end_date", "data_sharing_summary", "shared_platforms", "platforms_note",
                  "protection_level", "security_measures", "joint_framework", "business_flow", "data_flow",
                  "system_interfaces"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the labels are in the language of the request.
        self.fields["protection_level"].choices = [("", "—"), *[(n, gettext("第%(n)d级") % {"n": n})
                                                               for n in range(1, 6)]]
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.max_length = TEXT_LIMIT
                field.validators.append(MaxLengthValidator(TEXT_LIMIT, message=_("过长,最多%(limit_value)d个字符")))
                field.widget.attrs.update(rows=3, maxlength=TEXT_LIMIT)

    def clean_start_date(self):
        return _in_range(self.cleaned_data.get("start_date"))

    def clean_end_date(self):
        return _in_range(self.cleaned_data.get("end_date"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("计划完工不得早于计划开工"))
        return cleaned


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("里程碑"), max_length=100, error_messages={
        **REQUIRED, "max_length": _("过长,最多%(limit_value)d个字符")})
    due_date = date_field(_("计划完成日期"))

    def clean_due_date(self):
        return _in_range(self.cleaned_data.get("due_date"))


class TargetForm(forms.Form):
    category = forms.ChoiceField(label=_("指标类别"), choices=TargetCategory.choices,
                                 error_messages={**REQUIRED, "invalid_choice": _("不是可选的指标类别")})
    indicator = forms.CharField(label=_("指标名称"), max_length=100, error_messages=REQUIRED)
    unit = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    target = forms.CharField(label=_("目标值"), max_length=60, error_messages=REQUIRED)


class DataResourceForm(forms.Form):
    name = forms.CharField(label=_("数据资源名称"), max_length=100, error_messages=REQUIRED)
    direction = forms.ChoiceField(label=_("产生/使用"), choices=DataDirection.choices,
                                  error_messages={**REQUIRED, "invalid_choice": _("须为产生或使用")})
    sharing_type = forms.ChoiceField(label=_("共享类型"), choices=SharingType.choices,
                                     error_messages={**REQUIRED, "invalid_choice": _("须为无条件、有条件或不予共享")})
    into_catalogue = forms.BooleanField(label=_("纳入全区目录"), required=False)
    source_or_use = forms.CharField(label=_("来源或用途"), max_length=200, required=False)

    def clean_into_catalogue(self):
        """Left out, a resource is collected into the district catalogue (art. 27), as the model's default."""
        if "into_catalogue" not in self.data:
            return True
        return self.cleaned_data["into_catalogue"]


ROW_FORMS = {"milestones": MilestoneForm, "performance_targets": TargetForm, "data_resources": DataResourceForm}


class ProjectCodeForm(forms.Form):
    project_code = forms.CharField(label=_("项目代码"), max_length=40, error_messages={
        **REQUIRED, "max_length": _("项目代码应为24位")})


class ParticipantForm(forms.Form):
    unit_id = forms.IntegerField(label=_("参建单位"), min_value=1, max_value=2**62,
                                 error_messages={**REQUIRED, "invalid": _("须为整数")})
    role_description = forms.CharField(label=_("承担内容"), max_length=200, required=False)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices,
                             error_messages={**REQUIRED, "invalid_choice": _("不是可选的材料类型")})
    file = forms.FileField(label=_("文件"), error_messages={**REQUIRED, "empty": _("文件为空"),
                                                          "invalid": _("请选择文件")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("只接受 PDF、OFD、Word、WPS 或 ZIP 文件"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件不得超过50MB"))
        if len(upload.name) > 200:
            raise forms.ValidationError(_("文件名过长"))
        return upload


class ReviewForm(forms.Form):
    review_notes = text_field(_("审查意见"))
    sharing_conclusion = forms.ChoiceField(label=_("数据共享评估结论"), required=False,
                                           choices=[("", "—"), *SharingConclusion.choices],
                                           error_messages={"invalid_choice": _("不是可选的评估结论")})
    sharing_opinion = text_field(_("数据共享评估意见"))
    expert_panel_required = forms.BooleanField(label=_("须组织专家评审"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sharing_conclusion") and not (cleaned.get("sharing_opinion") or "").strip():
            self.add_error("sharing_opinion", _("给出评估结论时须写明评估意见"))
        return cleaned


def clean_checklist(value) -> tuple[dict, dict]:
    """{item: {"ok": true|false|null, "note": "..."}} over the fixed checklist → (clean, errors)."""
    if not isinstance(value, dict):
        return {}, {"checklist": [str(_("须为对象"))]}
    clean, errors = {}, {}
    for item, entry in value.items():
        if item not in CHECKLIST_ITEMS:
            errors[f"checklist.{item}"] = [str(_("不是审查要点"))]
            continue
        if not isinstance(entry, dict) or not set(entry) <= {"ok", "note"}:
            errors[f"checklist.{item}"] = [str(_("须为 {ok, note}"))]
            continue
        ok, note = entry.get("ok"), entry.get("note", "")
        if ok is not None and not isinstance(ok, bool):
            errors[f"checklist.{item}.ok"] = [str(_("须为 true、false 或 null"))]
        if not isinstance(note, str) or len(note) > 2000:
            errors[f"checklist.{item}.note"] = [str(_("须为不超过2000字的文本"))]
        if f"checklist.{item}.ok" not in errors and f"checklist.{item}.note" not in errors:
            clean[item] = {"ok": ok, "note": note.strip()}
    return clean, errors


class PanelAddForm(forms.Form):
    expert_id = forms.IntegerField(label=_("专家"), min_value=1, max_value=2**62,
                                   error_messages={**REQUIRED, "invalid": _("须为整数")})


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("评审意见"), choices=ExpertOpinion.choices,
                                error_messages={**REQUIRED, "invalid_choice": _("不是可选的评审意见")})
    opinion_text = text_field(_("意见说明"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("opinion") in (ExpertOpinion.AGREE_WITH_CHANGES, ExpertOpinion.DISAGREE) and not (
                cleaned.get("opinion_text") or "").strip():
            self.add_error("opinion_text", _("修改后同意或不同意须写明意见"))
        return cleaned


class ApproveForm(forms.Form):
    """The figures the approval fixes (art. 15). Blank text fields take the application's."""

    approved_estimate = money_field(_("核定总投资概算(元)"))
    construction_content = text_field(_("建设内容"))
    scale = text_field(_("建设规模"))
    standards = text_field(_("建设标准"))
    control_indicators = text_field(_("其他控制指标"))
    opinion = text_field(_("批复意见"))
    copy_to = text_field(_("抄送"), max_length=500, rows=2)


class ReasonForm(forms.Form):
    reason = text_field(_("理由"), max_length=2000)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={**REQUIRED, "invalid": _("须为整数"), "min_value": _("年度须在2000至2100之间"),
                                              "max_value": _("年度须在2000至2100之间")})
    fund_source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices,
                                    error_messages={**REQUIRED, "invalid_choice": _("不是可选的资金来源")})
    amount = money_field(_("金额(元)"))


class BudgetForm(forms.Form):
    note = text_field(_("说明"), max_length=2000)


class SuspensionForm(forms.Form):
    unit_id = forms.IntegerField(label=_("建设单位"), min_value=1, max_value=2**62,
                                 error_messages={**REQUIRED, "invalid": _("须为整数")})
    project_id = forms.IntegerField(label=_("所涉项目"), min_value=1, max_value=2**62, required=False,
                                    error_messages={"invalid": _("须为整数")})
    reason = text_field(_("暂缓理由"), required=True, max_length=2000)


def form_errors(form: forms.BaseForm, prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{field}": [str(e) for e in errors] for field, errors in form.errors.items()}


def clean_rows(key: str, rows, form_class) -> tuple[list[dict], dict[str, list[str]]]:
    """A list of row objects through `form_class`: (clean rows, errors keyed `key.<i>.<field>`)."""
    if not isinstance(rows, list | tuple):
        return [], {key: [str(_("须为列表"))]}
    if len(rows) > MAX_ROWS:
        return [], {key: [str(_("最多%(n)d行") % {"n": MAX_ROWS})]}
    clean, errors = [], {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"{key}.{i}"] = [str(_("须为对象"))]
            continue
        form = form_class(data=row)
        if form.is_valid():
            clean.append(form.cleaned_data)
        else:
            errors.update(form_errors(form, f"{key}.{i}."))
    return clean, errors
