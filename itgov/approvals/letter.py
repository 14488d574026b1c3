"""The approval letter (立项批复, art. 15) in the layout of official documents (GB/T 9704-2012).

One template (`approvals/letter.html`) serves both the issued letter — a PDF rendered once by WeasyPrint with
the Noto CJK fonts of Debian's fonts-noto-cjk, stored with its SHA-256 so that every later download is the very
document issued — and the preview DRC reads on the decision page before approving, which carries a placeholder
number ("鼓发改审〔2026〕  号") and a 样稿 mark instead.

The approved estimate is given in numerals (万元 and 元) and in the uppercase words of a payment document
(人民币壹佰壹拾伍万元整: `amount_in_words`, cn2an's "rmb" mode); the date under the signature in Arabic
numerals (2026年11月27日), as GB/T 9704-2012 requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import SHANGHAI, local_today
from itgov.core.errors import Conflict
from itgov.core.money import format_wan
from itgov.core.spreadsheets import CONTROL_CHARS

from .choices import InvestmentItem, TargetCategory
from .models import INVESTMENT_FIELDS, ApprovalLetter, Baseline

TEMPLATE = "approvals/letter.html"
PDF_CONTENT_TYPE = "application/pdf"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # the money fields: 14 digits, 2 of them decimals
# Control characters a PDF text run must not carry (tab, line feed and carriage return are kept).
DIGITS = "〇一二三四五六七八九"
# The width of the text area (GB/T 9704: 156 mm) the issuing body's mark must fit, in points.
HEADER_WIDTH_PT = 156 / 25.4 * 72
HEADER_MAX_PT = 36.0
HEADER_MIN_PT = 16.0
# The title is set in 2号 (22 pt): about 20 CJK characters fit the text area's width.
TITLE_LINE_EMS = 19.5


# --- words and numerals ------------------------------------------------------------------------------------


def _money(value) -> Decimal | None:
    """Yuan, to the fen; None for what is not an amount a baseline could hold (a preview of a form not yet
    valid: text, a negative amount, more than the 12 integer digits of the money fields)."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_in_words(amount: Decimal) -> str:
    """1150000.00 → "人民币壹佰壹拾伍万元整": the uppercase words of a payment document (cn2an "rmb" mode,
    the rules of the People's Bank for writing amounts: 零 for skipped places, 整 after whole yuan)."""
    import cn2an  # imported here: it loads its tables (~0.2 s) only when a letter is written

    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("an approved estimate is never negative")
    return _("人民币%(words)s") % {"words": cn2an.an2cn(f"{value:.2f}", "rmb")}


def yuan(amount: Decimal) -> str:
    """1150000 → "1,150,000.00"."""
    return f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _number_words(n: int) -> str:
    """1–99 in Chinese numerals: 一, 十, 十一, 二十, 二十七."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十"))
    return text + (DIGITS[ones] if ones else "")


def ordinal(n: int) -> str:
    """The numeral of a numbered point of the body (一、二、… 十二、)."""
    return _number_words(n)


def numeric_date(day: dt.date) -> str:
    """2026-11-27 → "2026年11月27日": the date under the signature and of the imprint, in Arabic numerals as
    GB/T 9704-2012 (7.3.5.1) requires (the 1999 edition wrote the year in Chinese numerals)."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _month(day: dt.date | None) -> str:
    return _("%(y)d年%(m)d月") % {"y": day.year, "m": day.month} if day else ""


def _text(value) -> str:
    return CONTROL_CHARS.sub("", "" if value is None else str(value)).strip()


# --- the context both renderings share -----------------------------------------------------------------------


def document_prefix(unit) -> str:
    """The issuing body's prefix of its document numbers (鼓发改审), as services.document_number uses it."""
    return unit.document_prefix or unit.display_name


def placeholder_number(unit, year: int) -> str:
    """"鼓发改审〔2026〕  号": the number a letter will have, before it has one (the preview)."""
    return f"{document_prefix(unit)}〔{year}〕\u3000\u3000号"


def _width(text: str) -> float:
    """The width of `text` in ems of a CJK face: a Latin letter, digit or space is about half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str) -> list[str]:
    """The title in lines of about equal width (GB/T 9704 7.3.1: a long title is set in balanced lines, not a
    full line and a leftover word)."""
    count = max(1, math.ceil(_width(title) / TITLE_LINE_EMS))
    if count == 1:
        return [title]
    target = _width(title) / count
    lines, current = [], ""
    for ch in title:
        if current and len(lines) < count - 1 and _width(current + ch) > math.ceil(target):
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current]


def _header_size(mark: str) -> float:
    """The point size at which the issuing body's mark fits the text area on one line (GB/T 9704 7.2.3)."""
    return round(max(HEADER_MIN_PT, min(HEADER_MAX_PT, HEADER_WIDTH_PT / max(_width(mark), 1) * 0.96)), 1)


def _breakdown(values: dict[str, Any]) -> tuple[list[dict[str, str]], Decimal]:
    rows, total = [], Decimal("0.00")
    labels = dict(InvestmentItem.choices)
    for name in INVESTMENT_FIELDS:
        amount = _money(values.get(name)) or Decimal("0.00")
        total += amount
        rows.append({"label": str(labels[name]), "wan": format_wan(amount), "yuan": yuan(amount)})
    return rows, total


def _targets(targets: list[dict]) -> list[dict[str, str]]:
    """In the order of art. 11's categories (outputs, benefits, satisfaction), as entered within one."""
    labels = dict(TargetCategory.choices)
    order = {value: i for i, value in enumerate(TargetCategory.values)}
    targets = sorted(targets or [], key=lambda t: order.get(t.get("category"), len(order)))
    return [{"category": str(labels.get(t.get("category"), t.get("category") or "")),
             "indicator": _text(t.get("indicator")), "unit": _text(t.get("unit")), "target": _text(t.get("target"))}
            for t in targets]


def _copy_to(text: str) -> str:
    """"区财政局,区审计局" → "区财政局，区审计局。": names separated by full-width commas, ending with a full stop
    (GB/T 9704 7.4.2)."""
    names = [n.strip() for n in re.split(r"[,,、;;\n]+", _text(text)) if n.strip()]
    return "\uff0c".join(names) + "\u3002" if names else ""


def _context(*, project, application, issuing_unit, number: str, estimate: Decimal | None, content: str,
             scale: str, standards: str, breakdown: dict, start, end, protection_level, targets: list,
             control_indicators: str, opinion: str, copy_to: str, day: dt.date, preview: bool) -> dict[str, Any]:
    mark = _("%(unit)s文件") % {"unit": _text(issuing_unit.name)}
    title = _("关于%(name)s立项的批复") % {"name": _text(project.name)}
    rows, applied = _breakdown(breakdown)
    sections = ["approve", "content", "scale", "standards", "investment"]
    sections += ["schedule"] if start or end else []
    sections += ["security"] if protection_level else []
    sections += ["targets"] if targets else []
    sections += ["indicators"] if _text(control_indicators) else []
    sections += ["opinion"] if _text(opinion) else []
    sections += ["budget", "requirements"]
    submitted = getattr(application, "submitted_at", None) if application is not None else None
    return {
        "preview": preview,
        "mark": mark,
        "mark_size": _header_size(mark),
        "issuing_unit": _text(issuing_unit.name),
        "number": number,
        "title": title,
        "title_lines": title_lines(title),
        "project_name": _text(project.name),
        "owner_unit": _text(project.owner_unit.name),
        "project_code": _text(project.project_code) or _("（尚未登记）"),
        "submitted_on": numeric_date(submitted.astimezone(SHANGHAI).date()) if submitted else "",
        "n": {key: ordinal(i) for i, key in enumerate(sections, start=1)},
        "content": _text(content),
        "scale": _text(scale),
        "standards": _text(standards),
        "estimate": estimate,
        "estimate_wan": format_wan(estimate) if estimate is not None else "",
        "estimate_yuan": yuan(estimate) if estimate is not None else "",
        "estimate_words": amount_in_words(estimate) if estimate is not None else "",
        "breakdown": rows,
        "applied_wan": format_wan(applied),
        "applied_yuan": yuan(applied),
        "reduced_wan": (format_wan(applied - estimate) if estimate is not None and applied > estimate else ""),
        "start": _month(start),
        "end": _month(end),
        "protection_level": _number_words(protection_level) if protection_level else "",
        "targets": _targets(targets),
        "control_indicators": _text(control_indicators),
        "opinion": _text(opinion),
        "copy_to": _copy_to(copy_to),
        "signed_on": numeric_date(day),
        "printed_on": numeric_date(day),
    }


def baseline_context(baseline: Baseline) -> dict[str, Any]:
    return _context(
        project=baseline.project, application=baseline.application, issuing_unit=baseline.issuing_unit,
        number=baseline.document_number, estimate=baseline.approved_estimate,
        content=baseline.construction_content, scale=baseline.scale, standards=baseline.standards,
        breakdown=baseline.investment_breakdown or {}, start=baseline.start_date, end=baseline.end_date,
        protection_level=baseline.protection_level, targets=baseline.performance_targets or [],
        control_indicators=baseline.control_indicators, opinion=baseline.opinion, copy_to=baseline.copy_to,
        day=baseline.approved_on, preview=False)


def _blank_or(value, fallback) -> str:
    text = _text(value)
    return text or _text(fallback)


def preview_html(project, application, decision: dict, issuing_unit) -> str:
    """The letter as it will read if DRC approves with `decision` (the approval form's fields, cleaned or as
    typed) — the same template as the PDF, with a placeholder number and a 样稿 mark. Blank text fields take
    the application's, as the approval does (services.after_approval). In the source language, as the letter."""
    with translation.override(settings.LANGUAGE_CODE):
        return _preview_html(project, application, decision or {}, issuing_unit)


def _preview_html(project, application, decision: dict, issuing_unit) -> str:
    today = local_today()
    targets = ([{"category": t.category, "indicator": t.indicator, "unit": t.unit, "target": t.target}
                for t in application.performance_targets.all()] if application is not None else [])
    context = _context(
        project=project, application=application, issuing_unit=issuing_unit,
        number=placeholder_number(issuing_unit, today.year), estimate=_money(decision.get("approved_estimate")),
        content=_blank_or(decision.get("construction_content"), getattr(application, "construction_content", "")),
        scale=_blank_or(decision.get("scale"), getattr(application, "scale", "")),
        standards=_blank_or(decision.get("standards"), getattr(application, "standards", "")),
        breakdown=application.breakdown() if application is not None else {},
        start=getattr(application, "start_date", None), end=getattr(application, "end_date", None),
        protection_level=getattr(application, "protection_level", None), targets=targets,
        control_indicators=decision.get("control_indicators") or "", opinion=decision.get("opinion") or "",
        copy_to=decision.get("copy_to") or "", day=today, preview=True)
    return render_to_string(TEMPLATE, context)


def render_letter(baseline: Baseline) -> bytes:
    """The issued letter as PDF bytes (not stored: `ensure_letter` keeps the one issued). Always in the
    source language (Chinese), whichever language the user who happens to trigger it reads."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, baseline_context(baseline))
    return HTML(string=html).write_pdf()


# --- the stored letter ------------------------------------------------------------------------------------------


def _storage_name(baseline: Baseline) -> str:
    return f"approval-letter-{baseline.project_id}-v{baseline.version}.pdf"


def ensure_letter(baseline: Baseline) -> ApprovalLetter:
    """The baseline's letter, rendered and stored the first time (with its SHA-256 and size, audited as
    generated). Two workers rendering at once: the first row wins, the other's file is removed."""
    existing = ApprovalLetter.objects.filter(baseline=baseline).first()
    if existing is not None:
        return existing
    pdf = render_letter(baseline)
    letter = ApprovalLetter(baseline=baseline, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    letter.file.save(_storage_name(baseline), ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
            audit_record(event_type=events.APPROVAL_LETTER_GENERATED, actor=None, obj=letter,
                         project_id=baseline.project_id,
                         after={"document_number": baseline.document_number, "version": baseline.version,
                                "sha256": letter.sha256, "size": letter.size})
    except IntegrityError:
        letter.file.delete(save=False)  # ours only: the storage gave it a name of its own
        return ApprovalLetter.objects.get(baseline=baseline)
    return letter


def letter_bytes(baseline: Baseline) -> bytes:
    """The stored letter's bytes, checked against the SHA-256 recorded when it was issued (409 otherwise)."""
    letter = ensure_letter(baseline)
    try:
        with letter.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        raise Conflict(_("立项批复文件缺失,请联系系统管理员核查")) from None
    if len(content) != letter.size or hashlib.sha256(content).hexdigest() != letter.sha256:
        raise Conflict(_("立项批复文件与发文时的校验值不一致,可能已被篡改,已停止下载,请联系系统管理员核查"))
    return content


def letter_filename(baseline: Baseline) -> str:
    return _("立项批复-%(number)s.pdf") % {"number": baseline.document_number}


def letter_downloaded(*, actor, baseline: Baseline) -> None:
    letter = getattr(baseline, "letter", None)
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=letter or baseline,
                     project_id=baseline.project_id, object_repr=letter_filename(baseline),
                     after={"document_number": baseline.document_number,
                            "sha256": letter.sha256 if letter is not None else ""})
