"""The self-evaluation report (绩效自评价报告, art. 24) as a PDF, for Finance and DRC: rendered by WeasyPrint with
the Noto CJK fonts of Debian's fonts-noto-cjk, like the approval letter (itgov/approvals/letter.py). The report is
never edited after submission, so it is rendered from the stored record on each download, always in Chinese."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from itgov.approvals.choices import TargetCategory
from itgov.approvals.letter import numeric_date
from itgov.audit import events
from itgov.audit.services import audit_record_now
from itgov.core.dates import SHANGHAI
from itgov.core.spreadsheets import CONTROL_CHARS

from .models import SelfEvaluation

TEMPLATE = "operation/self_evaluation.html"
PDF_CONTENT_TYPE = "application/pdf"


def _text(value) -> str:
    return CONTROL_CHARS.sub("", "" if value is None else str(value)).strip()


def report_context(evaluation: SelfEvaluation) -> dict:
    project = evaluation.project
    labels = dict(TargetCategory.choices)
    return {
        "title": _("%(name)s绩效自评价报告") % {"name": _text(project.name)},
        "project_name": _text(project.name),
        "owner_unit": _text(project.owner_unit.name),
        "project_code": _text(project.project_code) or "—",
        "baseline_number": _text(evaluation.baseline.document_number) if evaluation.baseline_id else "—",
        "operation_started_on": numeric_date(evaluation.operation_started_on),
        "submitted_on": numeric_date(evaluation.submitted_on),
        "submitted_at": evaluation.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "submitted_by": _text(evaluation.submitted_by.display_name) if evaluation.submitted_by_id else "",
        "late": evaluation.late,
        "score": f"{evaluation.score:.1f}",
        "summary": _text(evaluation.summary),
        "problems": _text(evaluation.problems),
        "improvements": _text(evaluation.improvements),
        "values": [{"category": str(labels.get(v.category, v.category)), "indicator": _text(v.indicator),
                    "unit": _text(v.unit), "target": _text(v.target_value), "actual": _text(v.actual),
                    "achieved": v.achieved} for v in evaluation.values.all()],
    }


def render_report(evaluation: SelfEvaluation) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, report_context(evaluation))
    return HTML(string=html).write_pdf()


def report_filename(evaluation: SelfEvaluation) -> str:
    return _("绩效自评价报告-%(name)s.pdf") % {"name": _text(evaluation.project.name)[:60]}


def report_downloaded(*, actor, evaluation: SelfEvaluation) -> None:
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=evaluation, project_id=evaluation.project_id,
                     object_repr=report_filename(evaluation), after={"submitted_on": evaluation.submitted_on})
