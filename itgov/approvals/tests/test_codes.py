"""The project code of art. 17 (GB/T 40058), checked without the database: the year and the year-month forms
of the first group, what a person pastes (full-width digits and dashes, spaces), and what is refused — wrong
lengths, procurement and tender numbers with letters, another grouping, an issue time in the future or that is
no month, another region, a zero serial."""

import datetime as dt

import pytest

from itgov.approvals.codes import ProjectCode, normalise, parse

TODAY = dt.date(2026, 11, 27)
GULOU = "320106"


@pytest.mark.parametrize(("raw", "issued"), [
    ("2020-320106-65-01-000123", "2020年"),  # the older scheme: a year
    ("2000-320106-65-01-000001", "2000年"),
    ("2026-320106-65-01-000001", "2026年"),  # this year
    ("2404-320106-65-01-000123", "2024年4月"),  # since the change: year and month
    ("2611-320106-65-01-000123", "2026年11月"),  # this month
    ("2101-320106-65-01-999999", "2021年1月"),
])
def test_both_forms_of_the_first_group_are_accepted(raw, issued):
    code, why = parse(raw, region=GULOU, today=TODAY)
    assert why == ""
    assert code == ProjectCode(code=raw, issued=issued, region="320106", sector=raw[12:14], project_type=raw[15:17],
                               serial=raw[18:])


def test_full_width_digits_dashes_and_spaces_are_made_plain():
    raw = "  ２４０４－３２０１０６－６５—０１–０００１２３ "
    assert normalise(raw) == "2404-320106-65-01-000123"
    code, why = parse(raw, region=GULOU, today=TODAY)
    assert why == "" and code is not None and code.code == "2404-320106-65-01-000123"
    assert code.issued == "2024年4月"


def test_without_a_region_any_region_is_accepted():
    code, why = parse("2404-320105-65-01-000123", region=None, today=TODAY)
    assert why == "" and code is not None and code.region == "320105"


@pytest.mark.parametrize(("raw", "why"), [
    ("", "请填写项目代码"),
    (None, "请填写项目代码"),
    ("   ", "请填写项目代码"),
    ("2404-320106-65-01-00012", "项目代码应为24位(4-6-2-2-6,含4个连字符),当前为23位"),
    ("2404-320106-65-01-0001234", "项目代码应为24位(4-6-2-2-6,含4个连字符),当前为25位"),
    ("JSZC-320106-2024-00123", "项目代码只含数字和连字符;含字母的多为采购或招标编号,不是项目代码"),
    ("2404-320106-65-0A-000123", "项目代码只含数字和连字符;含字母的多为采购或招标编号,不是项目代码"),
    ("2404-32010-665-01-000123", "项目代码格式应为 XXXX-XXXXXX-XX-XX-XXXXXX(4-6-2-2-6位数字)"),
    ("240432010665010001234567", "项目代码格式应为 XXXX-XXXXXX-XX-XX-XXXXXX(4-6-2-2-6位数字)"),
    ("2404_320106_65_01_000123", "项目代码格式应为 XXXX-XXXXXX-XX-XX-XXXXXX(4-6-2-2-6位数字)"),
    ("2612-320106-65-01-000123", "第一段“2612”不是有效的赋码年份或年月"),  # next month: in the future
    ("2701-320106-65-01-000123", "第一段“2701”不是有效的赋码年份或年月"),  # next year's month
    ("2027-320106-65-01-000123", "第一段“2027”不是有效的赋码年份或年月"),  # next year (and no month 27)
    ("2413-320106-65-01-000123", "第一段“2413”不是有效的赋码年份或年月"),  # month 13
    ("2400-320106-65-01-000123", "第一段“2400”不是有效的赋码年份或年月"),  # month 0
    ("1999-320106-65-01-000123", "第一段“1999”不是有效的赋码年份或年月"),  # before the codes (and month 99)
    ("2404-320105-65-01-000123", "第二段行政区划代码“320105”与本级(320106)不符"),
    ("2404-320106-65-01-000000", "第五段流水号不能全为0"),
])
def test_what_is_not_a_project_code_is_refused_with_the_reason(raw, why):
    assert parse(raw, region=GULOU, today=TODAY) == (None, why)


def test_the_month_boundary_moves_with_today():
    assert parse("2612-320106-65-01-000123", region=GULOU, today=dt.date(2026, 12, 1))[1] == ""
    assert parse("2612-320106-65-01-000123", region=GULOU, today=dt.date(2026, 11, 30))[0] is None
