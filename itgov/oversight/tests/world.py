"""An audit of a building project, through the services: edu's project in construction (tests/construction_world.py:
approved with its reports uploaded, budgeted, planned, supervised) with a contract and a payment recorded; the audit
bureau's case on it, a request to edu and (optionally) edu's answer with a file."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4 itgov audit answer"


def pdf(name: str = "合同台账.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def record_spending(district, project, *, payments: int = 1, contracts: int = 1):
    """`contracts` contracts and `payments` payments (the first contract's) through the construction services."""
    from itgov.construction import services
    from itgov.core.dates import local_today

    owner = district.users["edu" if project.owner_unit.code == "edu" else "health"]
    made = []
    for n in range(contracts):
        made.append(services.contract_record(actor=owner, project=project, data={
            "title": f"软件开发合同{n + 1}", "supplier": "某软件公司", "amount": "300000.00",
            "signed_on": local_today().isoformat(), "deliverables": "应用系统"}))
    for n in range(payments):
        services.payment_record(actor=owner, project=project, data={
            "amount": "10000.00", "paid_on": local_today().isoformat(), "purpose": f"第{n + 1}期进度款",
            "contract_id": made[0].pk})
    return made


def oversight_maker(district):
    from itgov.core.dates import local_today
    from itgov.oversight import services
    from tests.construction_world import construction_maker

    make_construction = construction_maker(district)

    def make(*, owner: str = "edu", answered: bool = False, payments: int = 1, contracts: int = 1,
             requests: int = 1) -> SimpleNamespace:
        built = make_construction("in_construction", owner=owner)
        record_spending(district, built.project, payments=payments, contracts=contracts)
        audit = district.users["audit"]
        case = services.case_open(actor=audit, data={"title": "智慧校园项目专项审计", "scope": "资金使用和合同管理",
                                                     "project_ids": [built.project.pk]})
        sent = [services.request_send(actor=audit, case=case, data={
            "project_id": built.project.pk, "kind": "documents", "subject": f"调阅合同{n + 1}",
            "text": "请提供全部合同和支付凭证", "due_on": (local_today() + dt.timedelta(days=10)).isoformat()})
            for n in range(requests)]
        world = SimpleNamespace(project=built.project, owner=district.users[owner], audit=audit, case=case,
                                request=sent[0], requests=sent, answer=None, year=built.year)
        if answered:
            world.answer = services.answer_submit(actor=world.owner, request=world.request,
                                                  data={"text": "已提供合同"}, files=[pdf()])
        return world

    return make
