"""Benchmark of duplicate-build detection (art. 3, 18), run on demand: one save — `index_object` of a project
whose text changed, then `similar_to` for it — against a raw-SQL floor, reported as a ratio.

A fresh SQLite database in a temporary folder (or BENCH_DATABASE_URL, e.g. a scratch PostgreSQL database: it is
migrated and filled, so never point it at real data), the demo district, and N projects (BENCH_PROJECTS, default
100000) with varied synthetic texts — names, 建设必要性 and 主要建设内容 drawn from a domain vocabulary with a
fixed seed, so that projects of one sector and subject share words as real ones do — bulk-created and indexed by
`reindex_all` (timed, reported, not part of the ratio).

    operation                         what the floor is
    save (index_object + similar_to)  the band lookup alone, by raw SQL: the SELECT … GROUP BY doc_id of the
                                      query's buckets (32 per kind), most shared first, LIMIT 201
    index_object (text changed)       (reported with the same floor, for the split)
    similar_to                        (idem)

It also plants BENCH_PLANTED near-duplicates (default 20): an indexed project's text with a few words replaced
and its sentences reordered, looked up as a new proposal's text; it reports how many find their original first.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ.setdefault("ITGOV_VAR_DIR", tempfile.mkdtemp(prefix="itgov-bench-"))
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.DEBUG = False

N = int(os.environ.get("BENCH_PROJECTS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PLANTED = int(os.environ.get("BENCH_PLANTED", "20"))


def _words(text: str) -> list[str]:
    return text.split()


SECTORS = _words("城管 教育 卫健 民政 应急 公安 交通 环保 住建 市场 人社 医保 文旅 体育 水务 园林 街道 社区 网格 信访 "
                 "司法 审计 财政 统计 档案 税务 消防 农业 商务 科技 残联 妇联 团委 人防 机关 房产 征收 城建 规划 气象")
OBJECTS = _words("视频 监控 物联 感知 地图 台账 档案 案件 工单 事件 人员 车辆 设备 设施 资产 房屋 企业 学生 教师 患者 "
                 "老人 儿童 窨井 路灯 停车 垃圾 餐饮 食品 药品 招标 合同 会议 公文 督查 热线 舆情 党建 志愿 电梯 燃气 "
                 "桥梁 隧道 河道 排水 绿地 噪声 扬尘 渣土 广告 摊贩 租赁 就业 救助 养老 托育 疫苗 医院 学校")
ACTIONS = _words("指挥 调度 监测 预警 分析 统计 审批 办理 查询 督办 考核 评价 巡查 执法 采集 共享 交换 展示 研判 决策 "
                 "填报 归档 公示 登记 核查 派遣 处置 结案 受理 预约 缴费 签约 随访 评估 排班 盘点 追溯 检索 推送 通知")
MODIFIERS = _words("综合 统一 移动 一体 协同 智能 全域 精细 闭环 实时 在线 可视 集成 动态 联动 标准 基层 便民 高效 安全")
SUFFIXES = _words("系统 平台 项目 工程 系统建设 平台建设 升级改造")


def synthetic(rng: random.Random) -> tuple[str, str, str]:
    """(name, necessity, construction_content) of a made-up project."""
    sector = rng.choice(SECTORS)
    o = rng.sample(OBJECTS, 6)
    a = rng.sample(ACTIONS, 7)
    m = rng.sample(MODIFIERS, 2)
    name = f"{rng.choice(['', '鼓楼区', '区'])}{sector}{m[0]}{o[0]}{a[0]}{rng.choice(SUFFIXES)}"
    necessity = f"{sector}{o[0]}{a[0]}依靠人工,{o[1]}{a[1]}效率低,{o[2]}信息分散,难以{a[2]}。"
    content = (f"建设{o[0]}{a[0]}、{o[1]}{a[1]}、{o[2]}{a[3]}、{o[3]}{a[4]}等模块,对接{rng.choice(SECTORS)}"
               f"{o[4]}{a[5]},实现{m[1]}{o[5]}{a[6]}。")
    return name, necessity, content


def paraphrase(rng: random.Random, name: str, necessity: str, content: str) -> tuple[str, str]:
    """A near-duplicate of a project's text: two words replaced, its sentences reordered; (title, body)."""
    body = content + necessity
    for _ in range(2):
        present = [w for w in OBJECTS + ACTIONS if w in body]
        body = body.replace(rng.choice(present), rng.choice(OBJECTS + ACTIONS), 1)
    return name.replace("鼓楼区", "").replace("系统", "平台"), body


def timed(fn, repeat=REPEAT, before=None) -> float:
    """Median of `repeat` runs of `fn` after a warm-up; `before` (not measured) runs ahead of each."""
    if before:
        before()
    fn()  # warm
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def setup(rng: random.Random) -> None:
    """The district (from the bundled policy profile), 30 owner units, N projects, N/20 systems each with one
    resource of five items. Not the demo: only units are needed, and the demo's own writes are not what is measured."""
    from itgov.catalogue.models import CatalogueResource, DataItem, InformationSystem
    from itgov.organizations.models import Jurisdiction, Unit
    from itgov.projects.models import Project
    from itgov.rules.services import policy_profiles_load_bundled

    call_command("migrate", verbosity=0)
    policy_profiles_load_bundled()  # creates the district, as in the tests
    gulou = Jurisdiction.objects.get(code="320106")
    owners = Unit.objects.bulk_create([
        Unit(jurisdiction=gulou, code=f"bench{i}", name=f"基准单位{i}", kind="street" if i % 3 == 0 else "department",
             path=f"/bench{i}/") for i in range(30)])
    statuses = ["proposed", "in_reserve", "approved", "in_construction", "in_operation"]
    batch = []
    for i in range(N):
        name, necessity, content = synthetic(rng)
        batch.append(Project(name=name, owner_unit=owners[i % len(owners)], kind="business_system",
                             construction_type="new", estimated_investment=Decimal(100000 + i),
                             status=statuses[i % len(statuses)], necessity=necessity, construction_content=content,
                             data_sharing_intent="z", responsible_person="张三"))
        if len(batch) == 5000:
            Project.objects.bulk_create(batch, batch_size=1000)
            batch = []
    Project.objects.bulk_create(batch, batch_size=1000)
    systems = []
    for i in range(N // 20):
        name, _necessity, content = synthetic(rng)
        systems.append(InformationSystem(jurisdiction=gulou, seq=i + 1, code=f"XT-320106-{i + 1:06d}", name=name,
                                         owner_unit=owners[i % len(owners)], summary=content))
    systems = InformationSystem.objects.bulk_create(systems, batch_size=1000)
    resources = CatalogueResource.objects.bulk_create([
        CatalogueResource(jurisdiction=gulou, system=sys_, provider=sys_.owner_unit, resource_class="departmental",
                          seq=i + 1, code=f"320106-3-{i + 1:06d}", name=f"{rng.choice(OBJECTS)}{rng.choice(ACTIONS)}信息",
                          summary=sys_.summary, format="database", sharing_type="unconditional", open_type="closed",
                          update_cycle="daily") for i, sys_ in enumerate(systems)], batch_size=1000)
    DataItem.objects.bulk_create([DataItem(resource=r, position=n + 1, name=f"{w}编号", data_type="C")
                                  for r in resources for n, w in enumerate(rng.sample(OBJECTS, 5))], batch_size=2000)


def main() -> None:
    from itgov.catalogue import similarity
    from itgov.catalogue.models import SimilarityBand, SimilarityDoc
    from itgov.projects.models import Project

    rng = random.Random(20210701)
    start = time.perf_counter()
    setup(rng)
    filled = time.perf_counter() - start
    start = time.perf_counter()
    counts = similarity.reindex_all(batch=2000)
    built = time.perf_counter() - start
    docs, band_rows = SimilarityDoc.objects.count(), SimilarityBand.objects.count()

    # Planted near-duplicates, looked up as a new proposal's text.
    ids = sorted(rng.sample(list(SimilarityDoc.objects.filter(kind="project").values_list("object_id", flat=True)),
                            PLANTED))
    first = 0
    for p in Project.objects.filter(pk__in=ids).select_related("owner_unit"):
        title, body = paraphrase(rng, p.name, p.necessity, p.construction_content)
        found = similarity.similar_to(title=title, text=body, jurisdiction=p.owner_unit.jurisdiction_id)
        first += bool(found) and (found[0]["kind"], found[0]["object_id"]) == ("project", p.pk)

    project = Project.objects.select_related("owner_unit").get(pk=ids[0])
    jurisdiction_id = project.owner_unit.jurisdiction_id
    texts = iter(range(10**6))

    def edit():  # not measured: a new text, as a save brings
        project.construction_content = synthetic(rng)[2] + f"第{next(texts)}期。"

    def save():
        with transaction.atomic():
            similarity.index_object("project", project)
            similarity.similar_to(kind="project", obj=project)

    def index_only():
        with transaction.atomic():
            similarity.index_object("project", project)

    def lookup_only():
        similarity.similar_to(kind="project", obj=project)

    def floor_params():
        query = similarity.features(*similarity.document_text("project", project))
        sig = similarity.signature(query)
        buckets = [bucket for kind in similarity.ALL_KINDS for _, bucket in similarity.bands(sig, kind, jurisdiction_id)]
        marks = ", ".join(["%s"] * len(buckets))
        sql = (f"SELECT doc_id, COUNT(*) AS hits FROM catalogue_similarityband WHERE bucket IN ({marks}) "
               f"GROUP BY doc_id ORDER BY hits DESC, doc_id DESC LIMIT {similarity.CANDIDATES + 1}")
        return sql, buckets

    sql, params = floor_params()

    def floor():
        with connection.cursor() as c:
            c.execute(sql, params)
            c.fetchall()

    with connection.cursor() as c:
        c.execute(sql.split(" ORDER BY")[0], params)
        candidates = c.fetchall()
        matched = sum(hits for _, hits in candidates)
        plan = ""
        if connection.vendor == "sqlite":
            c.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[-1] for row in c.fetchall() if not row[-1].startswith("INDEX ")]
            plan = "; ".join(dict.fromkeys(steps))  # the 32 searches per kind, once

    floor_s = timed(floor)
    rows = [("save (index_object + similar_to)", timed(save, before=edit), floor_s),
            ("index_object (text changed)", timed(index_only, before=edit), floor_s),
            ("similar_to (kind, obj)", timed(lookup_only), floor_s)]

    print(f"itgov similarity benchmark · {connection.vendor} · {N} projects · median of {REPEAT}")
    print(f"fill {filled:.0f} s; reindex_all {built:.1f} s for {docs} documents {counts} and {band_rows} band rows "
          f"({built / max(docs, 1) * 1000:.2f} ms a document)")
    print(f"lookup of the measured project: {matched} band rows matched, {len(candidates)} documents sharing a band")
    if plan:
        print(f"plan: {plan}")
    print(f"planted near-duplicates found first: {first}/{PLANTED}")
    print(f"{'operation':34} {'itgov ms':>10} {'floor ms':>10} {'ratio':>7}")
    for name, ours, floor_time in rows:
        print(f"{name:34} {ours * 1000:10.2f} {floor_time * 1000:10.3f} {ours / floor_time:7.1f}")


if __name__ == "__main__":
    main()
