"""The project code of art. 17 (GB/T 40058: 投资项目统一代码), checked without the database.

24 characters, five hyphenated groups of digits 4-6-2-2-6: time of issue, administrative region, sector,
project type, serial. The first group is a year (`2020`) in codes of the older scheme and year and month
(`2404` = April 2024) in codes issued since; both are accepted. Procurement and tender numbers that look
similar (letters, other groupings) are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

PATTERN = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
LENGTH = 24
GROUPS = (4, 6, 2, 2, 6)


@dataclass(frozen=True)
class ProjectCode:
    code: str
    issued: str  # "2020年" or "2024年4月"
    region: str
    sector: str
    project_type: str
    serial: str


def normalise(raw: str | None) -> str:
    """What a person pastes: full-width digits and dashes, spaces around — made plain."""
    text = (raw or "").strip()
    table = {ord("－"): "-", ord("—"): "-", ord("–"): "-", **{0xFF10 + i: str(i) for i in range(10)}}
    return text.translate(table)


def _issue_time(group: str, today: dt.date) -> str | None:
    """A year (older scheme, 2000 … this year) or YYMM (since the change: a real month, not in the future)."""
    value = int(group)
    if 2000 <= value <= today.year:
        return _("%(y)d年") % {"y": value}
    year, month = 2000 + value // 100, value % 100
    if 1 <= month <= 12 and (year, month) <= (today.year, today.month):
        return _("%(y)d年%(m)d月") % {"y": year, "m": month}
    return None


def parse(raw: str | None, *, region: str | None, today: dt.date) -> tuple[ProjectCode | None, str]:
    """(the parsed code, "") or (None, why it is not a project code), in words a unit can act on."""
    code = normalise(raw)
    if not code:
        return None, _("请填写项目代码")
    if re.search(r"[A-Za-z]", code):
        return None, _("项目代码只含数字和连字符;含字母的多为采购或招标编号,不是项目代码")
    if len(code) != LENGTH:
        return None, _("项目代码应为24位(4-6-2-2-6,含4个连字符),当前为%(n)d位") % {"n": len(code)}
    match = PATTERN.match(code)
    if match is None:
        return None, _("项目代码格式应为 XXXX-XXXXXX-XX-XX-XXXXXX(4-6-2-2-6位数字)")
    time_group, region_group, sector, project_type, serial = match.groups()
    issued = _issue_time(time_group, today)
    if issued is None:
        return None, _("第一段“%(g)s”不是有效的赋码年份或年月") % {"g": time_group}
    if region and region_group != region:
        return None, _("第二段行政区划代码“%(g)s”与本级(%(r)s)不符") % {"g": region_group, "r": region}
    if serial == "000000":
        return None, _("第五段流水号不能全为0")
    return ProjectCode(code, issued, region_group, sector, project_type, serial), ""
