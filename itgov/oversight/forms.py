"""Input of audit cooperation (art. 25): shape only. Whether the actor may, whether the case is open and whether a
deadline is acceptable are decided by the policies, the services and the rules (art25.request_deadline)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.approvals.forms import UploadForm, date_field, text_field
from itgov.construction.forms import REQUIRED, _Dated, id_field

from .choices import RequestKind

MAX_PROJECTS = 50
MAX_FILES = 20


class IdListField(forms.Field):
    """A non-empty list of database ids: a JSON list, or the values of a multiple select."""

    default_error_messages = {"required": _("必填"), "invalid": _("须为项目编号的列表"),
                              "too_many": _("一次最多%(n)d个项目")}

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        if isinstance(value, str | int):
            value = [value]
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in value:
            if isinstance(item, bool):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                pk = int(str(item))
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            if not 0 < pk <= 2**62:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if pk not in ids:
                ids.append(pk)
        if len(ids) > MAX_PROJECTS:
            raise forms.ValidationError(self.error_messages["too_many"] % {"n": MAX_PROJECTS}, code="too_many")
        return ids


class CaseOpenForm(forms.Form):
    title = forms.CharField(label=_("审计事项"), max_length=120, error_messages=REQUIRED)
    scope = text_field(_("审计范围和内容"), required=True)
    project_ids = IdListField(label=_("被审计项目"), error_messages={"required": _("至少选择一个被审计项目")})


class CaseAddProjectForm(forms.Form):
    project_id = id_field(_("项目"))


class CaseCloseForm(forms.Form):
    closing_summary = text_field(_("审计结论"), required=True)


class RequestForm(_Dated):
    DATE_FIELDS = ("due_on",)

    project_id = id_field(_("项目"))
    kind = forms.ChoiceField(label=_("类型"), choices=RequestKind.choices,
                             error_messages={**REQUIRED, "invalid_choice": _("须为“调阅资料”或“说明情况”")})
    subject = forms.CharField(label=_("事由"), max_length=120, error_messages=REQUIRED)
    text = text_field(_("调阅内容"), required=True)
    due_on = date_field(_("报送期限"))


class AnswerForm(forms.Form):
    """The text of an answer; with no file it is required (the service checks: text or at least one file)."""

    text = text_field(_("说明"))


class AnswerFileForm(UploadForm):
    """One file of an answer, validated like every upload (approvals.forms.UploadForm): PDF, OFD, Word, WPS or
    ZIP, at most 50 MB."""

    kind = None
