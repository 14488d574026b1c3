"""The catalogue's exports (art. 27, 29), each audited: Excel in the national guide's table layout (政务信息资源目录
编制指南: one row per information item, the resource's columns repeated), and JSON in a DCAT mapping. Both honour the
browser's filters and leave classified systems out (art. 5)."""

from __future__ import annotations

import json
from typing import Any

import tablib
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from itgov.audit import events
from itgov.audit.services import audit_record_now
from itgov.core.errors import Forbidden

from .policies import reads_catalogue
from .selectors import dcat_catalogue, export_queryset


def _text(value) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def _headers() -> list[str]:
    return [_("信息资源分类"), _("信息资源名称"), _("信息资源代码"), _("信息资源提供方"), _("所属信息系统"),
            _("信息资源摘要"), _("信息资源格式"), _("信息项名称"), _("数据类型"), _("是否敏感"), _("共享类型"),
            _("共享条件"), _("不予共享依据"), _("共享方式"), _("开放类型"), _("更新周期"), _("发布日期"),
            _("关联资源代码")]


def _rows(resource) -> list[list[Any]]:
    head = [resource.get_resource_class_display(), resource.name, resource.code, resource.provider.name,
            resource.system.code]
    shared = [resource.get_sharing_type_display(), resource.sharing_conditions, resource.not_shared_basis,
              resource.get_sharing_method_display() if resource.sharing_method else "",
              resource.get_open_type_display(), resource.get_update_cycle_display()]
    tail = [resource.published_on, str(_("、")).join(r.code for r in resource.related.all())]
    items = list(resource.items.all()) or [None]
    return [[*(_text(v) for v in head), _text(resource.summary), _text(resource.get_format_display()),
             _text(item.name if item else ""), _text(item.get_data_type_display() if item else ""),
             (_("是") if item.sensitive else _("否")) if item else "", *(_text(v) for v in shared), *tail]
            for item in items]


def _require(actor) -> None:
    if not reads_catalogue(actor):
        raise Forbidden()


def catalogue_xlsx(*, actor, filters: dict[str, Any], description: str = "*") -> tuple[bytes, int]:
    """(the workbook, the number of resources). Formulae escaped; the download audited."""
    _require(actor)
    dataset = tablib.Dataset(headers=_headers(), title=str(_("政务数据资源目录")))
    resources = list(export_queryset(actor, filters))
    for resource in resources:
        for row in _rows(resource):
            dataset.append(row)
    content = XLSX().export_data(dataset, escape=True)
    audit_record_now(event_type=events.CATALOGUE_EXPORTED, actor=actor, object_repr="catalogue.xlsx",
                     reason=description, after={"format": "xlsx", "resources": len(resources), "rows": len(dataset)})
    return content, len(resources)


def catalogue_json(*, actor, filters: dict[str, Any], description: str = "*") -> bytes:
    """The catalogue as JSON-LD in a DCAT mapping; the download audited."""
    _require(actor)
    document = dcat_catalogue(actor, filters, issued=timezone.now())
    audit_record_now(event_type=events.CATALOGUE_EXPORTED, actor=actor, object_repr="catalogue.json",
                     reason=description, after={"format": "json", "resources": len(document["dcat:dataset"])})
    return json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode("utf-8")
