"""factory_boy factories and a small district for tests."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import factory

from itgov.accounts.choices import Role
from itgov.accounts.models import RoleGrant, User
from itgov.organizations.models import Expert, Jurisdiction, Unit
from itgov.projects.models import Project

PASSWORD = "Test@2026pw"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    jurisdiction = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="320106"))
    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "department"
    bureau_role = ""
    path = factory.LazyAttribute(lambda o: (o.parent.path if o.parent else "/") + o.code + "/")
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            RoleGrant.objects.create(user=self, role=extracted,
                                     unit=self.unit if extracted in (Role.OWNER, Role.SUPERVISOR) else None)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A complete proposal in draft; use the services to move it."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"鼓楼区测试信息系统建设项目{n}")
    owner_unit = factory.SubFactory(UnitFactory)
    kind = "business_system"
    construction_type = "new"
    estimated_investment = Decimal("1200000.00")
    responsible_person = "张三"
    responsible_phone = "025-83330000"
    necessity = "现有系统无法满足业务需要。"
    construction_content = "建设业务办理、统计分析两个模块。"
    data_sharing_intent = "产生业务办理数据,按有条件共享编入全区目录。"


def build_district() -> SimpleNamespace:
    d = SimpleNamespace()
    bureaus = {}
    for code, role in [("drc", "drc"), ("finance", "finance"), ("audit", "audit"), ("cyber", "cyberspace"),
                       ("gov", "government")]:
        bureaus[code] = UnitFactory(code=code, name=f"{code}局", kind="bureau", bureau_role=role)
    d.drc_unit = bureaus["drc"]
    d.edu = UnitFactory(code="edu", name="区教育局")
    d.edu_school = UnitFactory(code="school1", name="区第一中学", parent=d.edu)
    d.health = UnitFactory(code="health", name="区卫健委")
    d.street = UnitFactory(code="street1", name="宁海路街道", kind="street")
    d.firm = UnitFactory(code="firm1", name="某监理公司", kind="supervision_firm")
    d.users = {
        "admin": UserFactory(username="admin", unit=d.drc_unit, role=Role.SYSADMIN, is_staff=True),
        "drc": UserFactory(username="drc", unit=d.drc_unit, role=Role.DRC),
        "finance": UserFactory(username="finance", unit=bureaus["finance"], role=Role.FINANCE),
        "audit": UserFactory(username="audit", unit=bureaus["audit"], role=Role.AUDIT),
        "cyber": UserFactory(username="cyber", unit=bureaus["cyber"], role=Role.CYBERSPACE),
        "gov": UserFactory(username="gov", unit=bureaus["gov"], role=Role.GOVERNMENT),
        "edu": UserFactory(username="edu", unit=d.edu, role=Role.OWNER),
        "health": UserFactory(username="health", unit=d.health, role=Role.OWNER),
        "supervisor": UserFactory(username="supervisor", unit=d.firm, role=Role.SUPERVISOR),
        "expert": UserFactory(username="expert", unit=None, role=Role.EXPERT),
    }
    jurisdiction = d.drc_unit.jurisdiction
    # The pool (art. 28): the expert who signs in, one more from outside the district's units, and one employed by
    # the education bureau (who must stand aside from its projects).
    d.expert = Expert.objects.create(jurisdiction=jurisdiction, name="王专家", specialty="信息系统", employer="某大学",
                                     user=d.users["expert"])
    d.expert2 = Expert.objects.create(jurisdiction=jurisdiction, name="赵专家", specialty="数据治理", employer="某研究院")
    d.conflicted_expert = Expert.objects.create(jurisdiction=jurisdiction, name="钱专家", specialty="教育信息化",
                                                employer="区教育局", employer_unit=d.edu)
    return d
