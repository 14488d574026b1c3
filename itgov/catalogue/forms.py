"""Input of the catalogue and of sharing (art. 27–29): shape only. Whether the actor may, and the rules of the
measures (the sharing type's terms, a request only for a conditional resource, a refusal's reasons), are decided by
the policies, the services and the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import date_field, text_field
from itgov.construction.forms import REQUIRED, _Dated, id_field
from itgov.oversight.forms import IdListField

from .choices import (
    InterfaceKind,
    ItemType,
    OpenType,
    ResourceClass,
    ResourceFormat,
    SharingMethod,
    SharingType,
    SystemStatus,
    UpdateCycle,
)

MAX_ITEMS = 200


def choice_field(label, choices, *, required=True) -> forms.ChoiceField:
    names = str(_("、")).join(str(label) for _value, label in choices)
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices] if not required else choices,
                             required=required,
                             error_messages={**REQUIRED, "invalid_choice": _("须为以下之一:%(names)s") % {"names": names}})


class FlagField(forms.BooleanField):
    """A true/false input: JSON booleans, or a checkbox's presence."""

    def __init__(self, label):
        super().__init__(label=label, required=False)


class SystemForm(forms.Form):
    name = forms.CharField(label=_("系统名称"), max_length=100, error_messages=REQUIRED)
    owner_unit_id = id_field(_("建设运维单位"), required=False)
    project_id = id_field(_("建设项目"), required=False)
    summary = text_field(_("系统功能和内容"), required=True)
    status = choice_field(_("系统状态"), SystemStatus.choices, required=False)
    classified = FlagField(_("涉密系统"))


class SystemChangeForm(forms.Form):
    name = forms.CharField(label=_("系统名称"), max_length=100, error_messages=REQUIRED)
    summary = text_field(_("系统功能和内容"), required=True)
    status = choice_field(_("系统状态"), SystemStatus.choices)


class ItemsField(forms.Field):
    """The information items of a resource: a list of {name, data_type, sensitive}, at least one."""

    default_error_messages = {"required": _("至少登记一个信息项"), "invalid": _("须为信息项的列表")}

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(value) > MAX_ITEMS:
            raise forms.ValidationError(_("最多%(n)d个信息项") % {"n": MAX_ITEMS}, code="too_many")
        items, errors, seen = [], [], set()
        valid_types = {v for v, _label in ItemType.choices}
        for number, row in enumerate(value, start=1):
            if not isinstance(row, dict) or set(row) - {"name", "data_type", "sensitive"}:
                errors.append(_("第%(n)d项:须为 {name, data_type, sensitive}") % {"n": number})
                continue
            name = str(row.get("name") or "").strip()
            if not name or len(name) > 60:
                errors.append(_("第%(n)d项:名称必填,最多60个字符") % {"n": number})
            elif name in seen:
                errors.append(_("第%(n)d项:名称“%(name)s”重复") % {"n": number, "name": name})
            seen.add(name)
            if row.get("data_type") not in valid_types:
                errors.append(_("第%(n)d项:数据类型须为%(types)s") % {
                    "n": number, "types": str(_("、")).join(f"{v}({label})" for v, label in ItemType.choices)})
            sensitive = row.get("sensitive", False)
            if not isinstance(sensitive, bool):
                errors.append(_("第%(n)d项:是否敏感须为 true 或 false") % {"n": number})
            items.append({"name": name, "data_type": row.get("data_type"), "sensitive": sensitive is True})
        if errors:
            raise forms.ValidationError([str(e) for e in errors])
        return items


class ResourceForm(forms.Form):
    """A resource's metadata (the national catalogue guide's). `system_id` only when registering."""

    resource_class = choice_field(_("资源分类"), ResourceClass.choices)
    name = forms.CharField(label=_("资源名称"), max_length=100, error_messages=REQUIRED)
    summary = text_field(_("资源摘要"), required=True)
    format = choice_field(_("资源格式"), ResourceFormat.choices)
    sharing_type = choice_field(_("共享类型"), SharingType.choices)
    sharing_conditions = text_field(_("共享条件"))
    not_shared_basis = text_field(_("不予共享依据"))
    sharing_method = choice_field(_("共享方式"), SharingMethod.choices, required=False)
    open_type = choice_field(_("开放类型"), OpenType.choices)
    update_cycle = choice_field(_("更新周期"), UpdateCycle.choices)
    declared_id = id_field(_("立项申报的数据资源"), required=False)
    related_ids = IdListField(label=_("关联资源"), required=False)
    items = ItemsField(label=_("信息项"))


class ResourceCreateForm(ResourceForm):
    system_id = id_field(_("所属信息系统"))


class InterfaceForm(forms.Form):
    kind = choice_field(_("接口类型"), InterfaceKind.choices)
    name = forms.CharField(label=_("接口名称"), max_length=100, error_messages=REQUIRED)
    address = forms.CharField(label=_("接口地址或交换目录"), max_length=300, error_messages=REQUIRED)
    description = text_field(_("说明"))


class SharingRequestForm(forms.Form):
    resource_id = id_field(_("数据资源"))
    purpose = text_field(_("用途和依据"), required=True)
    items = forms.CharField(label=_("申请的信息项"), max_length=500, required=False)


class GrantForm(_Dated):
    DATE_FIELDS = ("valid_until",)

    valid_until = date_field(_("授权有效期至"), required=False)
    reasons = text_field(_("答复意见"))


class RefuseForm(forms.Form):
    reasons = text_field(_("不同意的理由"))


class UseForm(_Dated):
    DATE_FIELDS = ("used_on",)

    used_on = date_field(_("使用日期"))
    records = forms.IntegerField(label=_("调用或交换记录数"), min_value=0, max_value=2**31 - 1,
                                 error_messages={**REQUIRED, "invalid": _("须为整数"),
                                                 "min_value": _("不得为负数"), "max_value": _("过大")})
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CatalogueFilterForm(forms.Form):
    """The catalogue browser's and the export's filters (GET)."""

    q = forms.CharField(label=_("关键词"), max_length=50, required=False)
    resource_class = choice_field(_("资源分类"), ResourceClass.choices, required=False)
    sharing_type = choice_field(_("共享类型"), SharingType.choices, required=False)
    update_cycle = choice_field(_("更新周期"), UpdateCycle.choices, required=False)
    format = choice_field(_("资源格式"), ResourceFormat.choices, required=False)
    provider_id = id_field(_("提供单位"), required=False)
    system_id = id_field(_("信息系统"), required=False)
    published = choice_field(_("发布状态"), [("yes", _("已发布")), ("no", _("未发布"))], required=False)
