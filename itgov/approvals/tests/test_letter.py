"""The approval letter (art. 15, GB/T 9704): the PDF renders the approval in Chinese — the project, the issuing
number, the approved estimate in numerals and in words — set in Noto CJK; it is stored once with its SHA-256
(also when two workers race), a stored file that no longer matches is refused, and the decision page's preview
uses the same template with a placeholder number."""

import hashlib
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from itgov.approvals import letter
from itgov.approvals.models import ApprovalLetter
from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.core.errors import Conflict
from tests.approvals_world import approval_maker

pytestmark = pytest.mark.django_db

DRC_NAME = "南京市鼓楼区发展和改革委员会"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def drc_unit(district):
    unit = district.drc_unit
    unit.name, unit.short_name, unit.document_prefix = DRC_NAME, "区发改委", "鼓发改审"
    unit.save()
    return unit


@pytest.fixture
def approved(district, drc_unit):
    return approval_maker(district)("approved")


@pytest.fixture
def cjk_fonts():
    """The Chinese of a PDF can be checked only with the fonts of Debian's fonts-noto-cjk installed."""
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Sans CJK" not in fonts or "Noto Serif CJK" not in fonts:
        pytest.skip("!!! fonts-noto-cjk is not installed: the PDF's Chinese cannot be checked (apt-get install "
                    "fonts-noto-cjk) !!!")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without white space (a line may break anywhere in Chinese)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def pdf_fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for font in (fonts.get_object() if fonts is not None else {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_letter_renders_the_approval_in_chinese(approved, cjk_fonts):
    baseline = approved.baseline
    year = local_today().year
    assert baseline.document_number == f"鼓发改审〔{year}〕1号"

    pdf = letter.render_letter(baseline)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    name = approved.project.name
    assert f"{DRC_NAME}文件" in text
    assert baseline.document_number in text
    assert f"关于{name}立项的批复" in text
    assert "区教育局：" in text
    assert f"项目代码：{approved.project.project_code}" in text
    assert "核定项目总投资概算为115.00万元（1,150,000.00元，大写：人民币壹佰壹拾伍万元整）" in text
    assert "较申报估算120.00万元核减5.00万元" in text  # the application asked 1,200,000.00
    assert "硬件购置20.00200,000.00" in text  # the breakdown table: item, 万元, 元
    assert "申报估算合计120.001,200,000.00" in text
    assert "项目计划于2027年3月开工，2027年12月完工。" in text
    assert "网络安全等级保护第三级" in text
    assert "建设子系统数量" in text and "用户满意度" in text
    assert "建设工期10个月。" in text and "同意建设。" in text
    assert "区财政局根据本批复编列项目预算（第十五条）。" in text
    assert "（第二十条）" in text
    assert f"{DRC_NAME}{letter.numeric_date(baseline.approved_on)}" in text
    assert "抄送：区财政局，区审计局。" in text
    assert f"{letter.numeric_date(baseline.approved_on)}印发" in text
    fonts = {f.replace("-", "") for f in pdf_fonts(pdf)}
    assert any("NotoSerifCJK" in f for f in fonts), fonts
    assert any("NotoSansCJK" in f for f in fonts), fonts  # the points' headings (黑体)


def test_ensure_letter_stores_it_once_with_its_hash(approved, media):
    baseline = approved.baseline

    first = letter.ensure_letter(baseline)
    second = letter.ensure_letter(baseline)

    assert first.pk == second.pk and ApprovalLetter.objects.count() == 1
    with first.file.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"%PDF-")
    assert (first.size, first.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())
    assert [p.name for p in (media / "letters").rglob("*.pdf")] == [f"approval-letter-{baseline.project_id}-v1.pdf"]
    events = AuditEvent.objects.filter(event_type="approval.letter.generated")
    assert events.count() == 1
    event = events.get()
    assert event.project_id == approved.project.pk and event.actor_name
    assert event.after == {"document_number": baseline.document_number, "version": 1, "sha256": first.sha256,
                           "size": first.size}
    assert letter.letter_bytes(baseline) == stored


def test_two_workers_rendering_at_once_keep_the_first_letter(approved, media, monkeypatch):
    baseline = approved.baseline
    winner_pdf = b"%PDF-1.7 the winner"

    def racing(b):  # another worker stores its letter while this one renders
        ApprovalLetter.objects.create(baseline=b, file=ContentFile(winner_pdf, name="winner.pdf"),
                                      sha256=hashlib.sha256(winner_pdf).hexdigest(), size=len(winner_pdf))
        return b"%PDF-1.7 the loser"

    monkeypatch.setattr(letter, "render_letter", racing)

    kept = letter.ensure_letter(baseline)

    assert kept.sha256 == hashlib.sha256(winner_pdf).hexdigest()
    assert ApprovalLetter.objects.count() == 1
    assert [p.name for p in (media / "letters").rglob("*.pdf")] == ["winner.pdf"]  # the loser's file is removed
    assert not AuditEvent.objects.filter(event_type="approval.letter.generated").exists()
    assert letter.letter_bytes(baseline) == winner_pdf


def test_letter_bytes_renders_a_missing_letter(approved, monkeypatch):
    monkeypatch.setattr(letter, "render_letter", lambda b: b"%PDF-1.7 rendered")
    assert not ApprovalLetter.objects.exists()
    assert letter.letter_bytes(approved.baseline) == b"%PDF-1.7 rendered"
    assert ApprovalLetter.objects.get().baseline == approved.baseline


@pytest.mark.parametrize("tampered", [b"%PDF-1.7 forged!!", b"%PDF-1.7 forged letter, longer"])
def test_a_stored_letter_that_does_not_match_its_hash_is_refused(approved, monkeypatch, tampered):
    monkeypatch.setattr(letter, "render_letter", lambda b: b"%PDF-1.7 original")
    stored = letter.ensure_letter(approved.baseline)
    with open(stored.file.path, "wb") as handle:  # same size, then another size
        handle.write(tampered)

    with pytest.raises(Conflict) as refused:
        letter.letter_bytes(approved.baseline)

    assert refused.value.status == 409
    assert refused.value.message == "立项批复文件与发文时的校验值不一致,可能已被篡改,已停止下载,请联系系统管理员核查"


def test_a_stored_letter_whose_file_is_gone_is_refused(approved, monkeypatch):
    monkeypatch.setattr(letter, "render_letter", lambda b: b"%PDF-1.7 original")
    stored = letter.ensure_letter(approved.baseline)
    stored.file.storage.delete(stored.file.name)

    with pytest.raises(Conflict, match="立项批复文件缺失"):
        letter.letter_bytes(approved.baseline)


def test_the_filename_and_the_download_audit(approved, district, monkeypatch):
    monkeypatch.setattr(letter, "render_letter", lambda b: b"%PDF-1.7 original")
    baseline = approved.baseline
    stored = letter.ensure_letter(baseline)
    filename = letter.letter_filename(baseline)
    assert filename == f"立项批复-鼓发改审〔{local_today().year}〕1号.pdf"

    letter.letter_downloaded(actor=district.users["finance"], baseline=baseline)

    event = AuditEvent.objects.get(event_type="file.downloaded")
    assert (event.project_id, event.object_repr, event.actor_id) == (approved.project.pk, filename,
                                                                      district.users["finance"].pk)
    assert (event.object_type, event.object_id) == ("approvals.approvalletter", str(stored.pk))
    assert event.after == {"document_number": baseline.document_number, "sha256": stored.sha256}


def test_the_preview_uses_the_letter_template_with_a_placeholder_number(district, drc_unit):
    world = approval_maker(district)("reviewed")
    decision = {"approved_estimate": "1150000.00", "construction_content": "", "scale": "覆盖全区。",
                "standards": "", "control_indicators": "", "opinion": "同意建设。", "copy_to": "区财政局、区审计局"}

    html = letter.preview_html(world.project, world.application, decision, drc_unit)

    assert f"鼓发改审〔{local_today().year}〕\u3000\u3000号" in html
    assert "样稿" in html
    assert f"关于{world.project.name}立项的批复" in html
    assert "115.00万元" in html and "1,150,000.00元" in html and "人民币壹佰壹拾伍万元整" in html
    assert world.application.construction_content in html  # a blank field takes the application's
    assert "覆盖全区。" in html and "同意建设。" in html
    assert "抄送：" in html and "区财政局，区审计局。" in html
    assert letter.numeric_date(local_today()) in html
    assert not ApprovalLetter.objects.exists()


def test_the_preview_of_a_form_not_yet_valid_still_renders(district, drc_unit):
    world = approval_maker(district)("reviewed")
    for typed in ("12x", "-5", "1e20", "NaN", "", None):
        html = letter.preview_html(world.project, world.application, {"approved_estimate": typed}, drc_unit)
        assert "核定项目总投资概算：（待填写）。" in html and "人民币" not in html, typed
        assert "申报估算合计" in html and "120.00" in html, typed


@pytest.mark.parametrize(("amount", "words"), [
    ("1150000.00", "人民币壹佰壹拾伍万元整"),
    ("1150000", "人民币壹佰壹拾伍万元整"),
    ("10000.05", "人民币壹万元零伍分"),
    ("100200300.45", "人民币壹亿零贰拾万零叁佰元肆角伍分"),
    ("1010101.01", "人民币壹佰零壹万零壹佰零壹元零壹分"),
    ("30005.00", "人民币叁万零伍元整"),
    ("0.50", "人民币伍角"),
    ("10.00", "人民币壹拾元整"),
    ("1.005", "人民币壹元零壹分"),  # rounded to the fen, half up
])
def test_amounts_in_words(amount, words):
    assert letter.amount_in_words(Decimal(amount)) == words


def test_a_long_title_is_set_in_balanced_lines():
    short = "关于区教育局统一业务平台立项的批复"
    assert letter.title_lines(short) == [short]
    long = "关于鼓楼区测试信息系统建设项目第一期立项的批复"  # 23 characters: two lines of 12 and 11
    lines = letter.title_lines(long)
    assert "".join(lines) == long and [len(x) for x in lines] == [12, 11]


def test_the_letter_is_written_in_the_source_language_whoever_triggers_it(approved, monkeypatch):
    from django.utils import translation

    languages = []
    original = letter.render_to_string

    def recording(*args, **kwargs):
        languages.append(translation.get_language())
        return original(*args, **kwargs)

    monkeypatch.setattr(letter, "render_to_string", recording)
    with translation.override("en"):
        letter.render_letter(approved.baseline)
        letter.preview_html(approved.project, approved.application, {}, approved.baseline.issuing_unit)
        assert translation.get_language() == "en"
    assert languages == ["zh-hans", "zh-hans"]
