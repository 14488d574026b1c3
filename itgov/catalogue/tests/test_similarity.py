"""Duplicate-build detection (art. 3, 18): a planted near-duplicate is found above an unrelated project; classified
objects (art. 5), drafts and withdrawn projects are never indexed nor returned; a save replaces the bands; the
lookup costs the same number of queries at 5 and 50 documents; signatures are the same in every process."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from itgov.catalogue import similarity
from itgov.catalogue.models import (
    CatalogueResource,
    DataItem,
    InformationSystem,
    SimilarityBand,
    SimilarityDoc,
    SimilarityKind,
)
from itgov.projects.choices import ProjectStatus
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PROJECT, SYSTEM, RESOURCE = SimilarityKind.PROJECT, SimilarityKind.SYSTEM, SimilarityKind.RESOURCE

CITY = {"name": "鼓楼区智慧城管综合指挥平台",
        "necessity": "城市管理问题发现处置效率低,部门间协同不畅。",
        "construction_content": "建设城管案件受理、派遣、处置、核查、结案闭环流程,接入视频监控和网格员巡查上报,"
                                "实现综合指挥调度和考核评价。"}
# The proposal a unit enters: the same thing in other words.
PROPOSAL = {"name": "鼓楼区城市管理综合指挥系统建设",
            "necessity": "现有城管案件处置依靠人工派遣,协同效率低。",
            "construction_content": "建设城市管理案件受理、派遣、处置、核查、结案全流程,整合网格巡查上报和视频监控,"
                                    "综合指挥调度,考核评价。"}
SCHOOL = {"name": "教育局校园安全视频监控扩容",
          "necessity": "全区中小学校园视频监控点位不足,存储容量不够。",
          "construction_content": "新增校园出入口、操场高清摄像机,扩容存储服务器,接入教育局安全管理平台。"}
HEALTH = {"name": "区卫健委家庭医生签约服务系统",
          "necessity": "家庭医生签约靠纸质协议,履约情况无法统计。",
          "construction_content": "建设居民签约、随访记录、健康档案调阅和履约考核功能,对接基层医疗机构。"}


def project(unit, status=ProjectStatus.PROPOSED, **fields):
    return ProjectFactory(owner_unit=unit, status=status, **fields)


def indexed_project(unit, **fields):
    p = project(unit, **fields)
    similarity.index_object(PROJECT, p)
    return p


def system(unit, seq, name, summary, **fields):
    return InformationSystem.objects.create(jurisdiction=unit.jurisdiction, seq=seq, code=f"XT-{seq:04d}", name=name,
                                            owner_unit=unit, summary=summary, **fields)


def resource(sys_, seq, name, summary, items):
    r = CatalogueResource.objects.create(
        jurisdiction=sys_.jurisdiction, system=sys_, provider=sys_.owner_unit, resource_class="departmental", seq=seq,
        code=f"R-{seq:06d}", name=name, summary=summary, format="database", sharing_type="unconditional",
        open_type="closed", update_cycle="daily")
    DataItem.objects.bulk_create([DataItem(resource=r, position=n, name=item, data_type="C")
                                  for n, item in enumerate(items, start=1)])
    return r


def query(district, fields=PROPOSAL, **kwargs):
    title, body = similarity.project_text(fields["name"], fields["necessity"], fields["construction_content"])
    return similarity.similar_to(title=title, text=body, jurisdiction=district.edu.jurisdiction, **kwargs)


def found(results):
    return [(r["kind"], r["object_id"]) for r in results]


def test_the_planted_near_duplicate_is_found_first_and_the_unrelated_project_is_not(district):
    city = indexed_project(district.street, **CITY)
    school = indexed_project(district.edu, **SCHOOL)
    health = indexed_project(district.health, **HEALTH)
    city_system = system(district.street, 1, "城管数字化指挥系统",
                         "城管案件受理、派遣、处置、核查、结案,网格巡查上报,综合指挥调度。")
    similarity.index_object(SYSTEM, city_system)

    results = query(district)

    assert set(found(results)[:2]) == {(PROJECT, city.pk), (SYSTEM, city_system.pk)}
    top = next(r for r in results if r["kind"] == PROJECT)
    assert top == {"kind": PROJECT, "object_id": city.pk, "title": CITY["name"], "unit": "宁海路街道",
                   "score": top["score"]}
    assert top["score"] >= 0.5
    assert (PROJECT, school.pk) not in found(results) and (PROJECT, health.pk) not in found(results)
    # The exact score of the unrelated project (sharing only 视频监控) is well under the threshold.
    school_features = similarity.features(*similarity.project_text(**{
        "name": SCHOOL["name"], "necessity": SCHOOL["necessity"], "construction_content": SCHOOL["construction_content"]}))
    proposal_features = similarity.features(*similarity.project_text(
        PROPOSAL["name"], PROPOSAL["necessity"], PROPOSAL["construction_content"]))
    assert similarity.cosine(proposal_features, school_features) < 0.1 < top["score"] / 5


def test_an_object_is_compared_with_the_others_never_with_itself(district):
    city = indexed_project(district.street, **CITY)
    proposal = indexed_project(district.edu, **PROPOSAL)
    indexed_project(district.edu, **SCHOOL)

    results = similarity.similar_to(kind=PROJECT, obj=proposal)

    assert found(results) == [(PROJECT, city.pk)]
    assert found(similarity.similar_to(kind=PROJECT, obj=proposal, exclude=(PROJECT, city.pk))) == []


def test_a_draft_is_compared_but_not_indexed(district):
    city = indexed_project(district.street, **CITY)
    draft = project(district.edu, status=ProjectStatus.DRAFT, **PROPOSAL)

    assert similarity.index_object(PROJECT, draft) is None
    assert not SimilarityDoc.objects.filter(kind=PROJECT, object_id=draft.pk).exists()
    assert found(similarity.similar_to(kind=PROJECT, obj=draft)) == [(PROJECT, city.pk)]


def test_a_withdrawn_project_leaves_the_index(district):
    city = indexed_project(district.street, **CITY)
    city.status = ProjectStatus.WITHDRAWN
    city.save(update_fields=["status"])

    assert similarity.index_object(PROJECT, city) is None
    assert not SimilarityDoc.objects.exists() and query(district, min_score=0) == []


def test_systems_and_resources_are_found_by_name_summary_and_items(district):
    city_system = system(district.street, 1, "城市管理指挥调度系统", "城管案件派遣处置和综合指挥调度。")
    cases = resource(city_system, 1, "城管案件信息", "城管案件受理、派遣、处置和结案记录",
                     ["案件编号", "问题类型", "发现时间", "派遣部门", "处置结果", "结案时间"])
    school_system = system(district.edu, 2, "校园视频监控系统", "中小学校园视频监控。")
    similarity.index_object(SYSTEM, city_system)
    similarity.index_object(RESOURCE, cases)
    similarity.index_object(SYSTEM, school_system)

    results = similarity.similar_to(title="城管案件办理", text="案件编号、问题类型、派遣部门、处置结果、结案时间",
                                    jurisdiction=district.edu.jurisdiction, kinds=[RESOURCE, SYSTEM])

    assert found(results)[0] == (RESOURCE, cases.pk)
    assert (SYSTEM, school_system.pk) not in found(results)
    assert found(similarity.similar_to(title="城管案件办理", text="案件编号、问题类型、派遣部门、处置结果、结案时间",
                                       jurisdiction=district.edu.jurisdiction, kinds=[PROJECT])) == []


def test_classified_projects_and_systems_are_never_indexed_nor_returned(district):
    secret = project(district.street, classified=True, **CITY)
    secret_system = system(district.street, 1, CITY["name"], CITY["construction_content"], classified=True)
    secret_resource = resource(secret_system, 1, "城管案件信息", CITY["construction_content"], ["案件编号"])

    assert similarity.index_object(PROJECT, secret) is None
    assert similarity.index_object(SYSTEM, secret_system) is None
    assert similarity.index_object(RESOURCE, secret_resource) is None
    assert not SimilarityDoc.objects.exists() and not SimilarityBand.objects.exists()
    assert query(district, fields=CITY, min_score=0) == []
    # Nor is a classified object compared with the others (art. 5: nothing of it is processed).
    indexed_project(district.edu, **PROPOSAL)
    assert similarity.similar_to(kind=PROJECT, obj=secret) == []


def test_an_object_that_becomes_classified_leaves_the_index(district):
    city = indexed_project(district.street, **CITY)
    assert found(query(district)) == [(PROJECT, city.pk)]

    city.classified = True
    city.save(update_fields=["classified"])
    similarity.index_object(PROJECT, city)

    assert not SimilarityDoc.objects.exists() and not SimilarityBand.objects.exists()
    assert query(district, min_score=0) == []


def test_a_save_replaces_the_bands_and_remove_drops_the_document(district):
    city = indexed_project(district.street, **CITY)
    doc = SimilarityDoc.objects.get(kind=PROJECT, object_id=city.pk)
    before = set(SimilarityBand.objects.filter(doc=doc).values_list("band", "bucket"))
    assert len(before) == similarity.B

    city.name, city.necessity, city.construction_content = (HEALTH["name"], HEALTH["necessity"],
                                                            HEALTH["construction_content"])
    city.save()
    assert similarity.index_object(PROJECT, city).pk == doc.pk

    after = set(SimilarityBand.objects.filter(doc=doc).values_list("band", "bucket"))
    assert len(after) == similarity.B and SimilarityBand.objects.count() == similarity.B
    assert after != before
    assert SimilarityDoc.objects.get(pk=doc.pk).title == HEALTH["name"]
    assert query(district) == []
    assert found(query(district, fields=HEALTH)) == [(PROJECT, city.pk)]

    assert similarity.remove_object(PROJECT, city.pk) == 1
    assert not SimilarityDoc.objects.exists() and not SimilarityBand.objects.exists()
    assert similarity.remove_object(PROJECT, city.pk) == 0


def test_a_save_that_changes_no_indexed_text_writes_nothing(district, django_assert_num_queries):
    city = indexed_project(district.street, **CITY)
    city.estimated_investment = 99
    city.save()

    with django_assert_num_queries(1):  # the document, read and found the same
        similarity.index_object(PROJECT, city)


def test_boilerplate_only_is_not_indexed(district):
    p = project(district.edu, name="鼓楼区政务信息化平台建设项目", necessity="满足需要", construction_content="系统升级改造")

    assert similarity.features(p.name, p.necessity + p.construction_content) == set()
    assert similarity.index_object(PROJECT, p) is None
    assert not SimilarityDoc.objects.exists()


@pytest.mark.parametrize("size", [5, 50])
def test_the_lookup_costs_the_same_queries_at_5_and_50_documents(district, size, django_assert_num_queries):
    variants = ["受理", "派遣", "处置", "核查", "结案", "巡查", "调度", "考核", "评价", "上报"]
    for i in range(size):
        indexed_project(district.street, name=f"城管综合指挥{i}", necessity=CITY["necessity"],
                        construction_content=f"{CITY['construction_content']}{variants[i % 10]}{i}号网格。")

    with django_assert_num_queries(2):  # the candidates by shared bands; their features, titles and units
        results = query(district, limit=100)

    assert len(results) == size


def test_index_object_costs_a_fixed_number_of_queries(district, django_assert_num_queries):
    for i in range(50):
        indexed_project(district.street, name=f"城管综合指挥{i}", **{k: CITY[k] for k in ("necessity",
                                                                                   "construction_content")})
    p = project(district.street, **CITY)
    p.owner_unit  # noqa: B018  (loaded, as a service has it)

    with django_assert_num_queries(5):  # get_or_create's SELECT, savepoint, INSERT, release; the bands' INSERT
        similarity.index_object(PROJECT, p)

    p.construction_content += "新增移动端。"
    with django_assert_num_queries(4):  # SELECT … FOR UPDATE, UPDATE, DELETE of the bands, INSERT of the new ones
        similarity.index_object(PROJECT, p)


# Determinism --------------------------------------------------------------------------------------------------

SIGN = ("import json, sys; from itgov.catalogue import similarity as s; "
        "print(json.dumps(s.bands(s.signature(s.features(sys.argv[1], sys.argv[2])), 'project', 7)))")


def _bands_in_another_process(title: str, body: str, hashseed: str) -> list[list[int]]:
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "PYTHONPATH": str(root)}
    code = "import django; django.setup(); " + SIGN
    out = subprocess.run([sys.executable, "-c", code, title, body], env=env, cwd=root, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _bands_here(title: str, body: str) -> list[list[int]]:
    return [list(pair) for pair in similarity.bands(similarity.signature(similarity.features(title, body)),
                                                    PROJECT, 7)]


def test_signatures_are_the_same_in_every_process(monkeypatch):
    title, body = CITY["name"], CITY["construction_content"]
    here = _bands_here(title, body)

    assert _bands_here(title, body) == here
    # Two processes with different string-hash salts agree with this one: nothing depends on Python's hash().
    assert _bands_in_another_process(title, body, "1") == here
    assert _bands_in_another_process(title, body, "2") == here

    def no_hash(obj):
        raise AssertionError("similarity must not use Python's salted hash()")

    monkeypatch.setattr(similarity, "hash", no_hash, raising=False)  # a call to hash() there would land here
    assert _bands_here(title, body) == here
    calls = {node.func.id for node in ast.walk(ast.parse(Path(similarity.__file__).read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "hash" not in calls


def test_the_signature_is_a_minhash_of_the_feature_set():
    a = similarity.features(CITY["name"], CITY["construction_content"])
    sig = similarity.signature(a)

    assert len(sig) == similarity.K and all(0 <= v < 2**32 for v in sig)
    assert similarity.signature(sorted(a, reverse=True)) == sig  # a set: order does not matter
    assert similarity.signature(a | {"城管"}) == sig  # nor repetition
    buckets = similarity.bands(sig, PROJECT, 1)
    assert [band for band, _ in buckets] == list(range(similarity.B))
    assert all(-(2**63) <= bucket < 2**63 for _, bucket in buckets)  # fits a BigIntegerField
    # Kind and jurisdiction are part of the bucket: no band of a project meets a resource's or another district's.
    assert not {b for _, b in buckets} & {b for _, b in similarity.bands(sig, RESOURCE, 1)}
    assert not {b for _, b in buckets} & {b for _, b in similarity.bands(sig, PROJECT, 2)}


def test_normalisation():
    assert similarity.shingles("ＧＩＳ地图、5G基站") == {"gis", "地图", "5g", "基站"}
    assert similarity.shingles("鼓楼区智慧城管综合指挥平台") == {"城管", "管综", "综合", "合指", "指挥"}
    assert similarity.shingles("政务服务事项目录") == {"事项", "项目", "目录"}  # 事项 is not cut as 项目 would be
    assert "服务器" in similarity.normalise("存储服务器") and "数据库" in similarity.normalise("人口数据库")
    assert similarity.features("城管", "") == {"城管", "^城管"}


# The rebuild ---------------------------------------------------------------------------------------------------

def test_reindex_all_rebuilds_what_may_be_indexed(district):
    from io import StringIO

    from django.core.management import call_command

    city = project(district.street, **CITY)
    project(district.edu, status=ProjectStatus.DRAFT, **PROPOSAL)
    project(district.edu, status=ProjectStatus.WITHDRAWN, **PROPOSAL)
    project(district.edu, classified=True, **SCHOOL)
    city_system = system(district.street, 1, "城管指挥调度系统", "城管案件派遣处置和综合指挥调度。")
    secret_system = system(district.street, 2, "涉密系统", "机要文件流转", classified=True)
    cases = resource(city_system, 1, "城管案件信息", "城管案件受理记录", ["案件编号", "处置结果"])
    resource(secret_system, 2, "机要文件", "文件流转记录", ["文号"])
    SimilarityDoc.objects.create(kind=PROJECT, object_id=999999, jurisdiction=district.edu.jurisdiction,
                                 title="stale", shingles="旧的")

    out = StringIO()
    call_command("reindex_similarity", stdout=out)

    assert set(SimilarityDoc.objects.values_list("kind", "object_id")) == {
        (PROJECT, city.pk), (SYSTEM, city_system.pk), (RESOURCE, cases.pk)}
    assert SimilarityBand.objects.count() == 3 * similarity.B
    assert "project: 1" in out.getvalue() and "resource: 1" in out.getvalue()
    # The bulk build and the one-by-one index agree.
    bulk = set(SimilarityBand.objects.filter(doc__kind=RESOURCE).values_list("band", "bucket"))
    similarity.index_object(RESOURCE, CatalogueResource.objects.get(pk=cases.pk))
    assert set(SimilarityBand.objects.filter(doc__kind=RESOURCE).values_list("band", "bucket")) == bulk
    assert found(query(district))[0] == (PROJECT, city.pk)


def test_the_catalogue_services_index_what_they_save(district):
    from itgov.catalogue import services

    edu = district.users["edu"]
    registered = services.system_register(actor=edu, data={"name": "校园视频监控系统",
                                                           "summary": "中小学校园出入口视频监控和存储"})

    results = similarity.similar_to(title=SCHOOL["name"], text=SCHOOL["construction_content"],
                                    jurisdiction=district.edu.jurisdiction)
    assert found(results) == [(SYSTEM, registered.pk)]
