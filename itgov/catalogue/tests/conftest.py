"""A small catalogue: the education bureau's system with a resource of each sharing type."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

ITEMS = [{"name": "学籍号", "data_type": "C", "sensitive": False},
         {"name": "身份证号", "data_type": "C", "sensitive": True},
         {"name": "入学日期", "data_type": "D", "sensitive": False}]


def resource_payload(system, **overrides) -> dict:
    payload = {"system_id": system.pk, "resource_class": "departmental", "name": "学生学籍信息",
               "summary": "全区中小学学生学籍基本信息", "format": "database", "sharing_type": "conditional",
               "sharing_conditions": "用于教育、民政业务办理,须经本单位同意", "not_shared_basis": "",
               "sharing_method": "interface", "open_type": "closed", "update_cycle": "daily", "items": ITEMS}
    payload.update(overrides)
    return payload


@pytest.fixture
def catalogue(district):
    from itgov.catalogue import services

    edu = district.users["edu"]
    system = services.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "中小学学籍管理"})
    conditional = services.resource_register(actor=edu, data=resource_payload(system))
    unconditional = services.resource_register(actor=edu, data=resource_payload(
        system, name="学校名录", sharing_type="unconditional", sharing_conditions="", resource_class="basic",
        items=[{"name": "学校名称", "data_type": "C", "sensitive": False}]))
    unshared = services.resource_register(actor=edu, data=resource_payload(
        system, name="心理健康档案", sharing_type="not_shared", sharing_conditions="", sharing_method="",
        not_shared_basis="《中华人民共和国未成年人保护法》第四条", items=[{"name": "测评结果", "data_type": "M",
                                                                      "sensitive": True}]))
    return SimpleNamespace(system=system, conditional=conditional, unconditional=unconditional, unshared=unshared,
                           edu=edu, health=district.users["health"], drc=district.users["drc"], district=district)
