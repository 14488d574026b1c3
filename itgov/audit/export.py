"""The audit trail as CSV, one format for the audit page's export and the project dossier's events.csv: UTF-8 with a
BOM (so Excel reads the Chinese), one line an event, a cell Excel would read as a formula prefixed with an
apostrophe."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from itgov.core.dates import SHANGHAI

from . import events

CSV_COLUMNS = ["seq", "at", "event_type", "event_label", "actor_name", "unit_name", "ip", "channel", "object_type",
               "object_id", "object_repr", "project_id", "reason", "hash"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def cell(value) -> str:
    """Text for a spreadsheet: a cell that Excel would read as a formula is prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(qs) -> Iterator[str]:
    """The BOM, the header, then each event of `qs` (read in chunks) as a CSV line."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([_("序号"), _("时间"), _("事件类型"), _("事件"), _("操作人"), _("单位"), _("IP地址"),
                           _("渠道"), _("对象类型"), _("对象ID"), _("对象"), _("项目ID"), _("理由"), _("哈希")])
    labels = {k: str(v) for k, v in events.EVENT_TYPES.items()}
    for event in qs.iterator(chunk_size=2000):
        row = {name: getattr(event, name, "") for name in CSV_COLUMNS if name not in ("at", "event_label")}
        row["at"] = event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        row["event_label"] = labels.get(event.event_type, event.event_type)
        yield writer.writerow([cell(row[name]) for name in CSV_COLUMNS])
