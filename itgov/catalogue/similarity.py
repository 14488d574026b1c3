"""Duplicate-build detection (art. 3, 18: 集约建设): the existing projects, systems and catalogue resources whose
text is most like a proposal's, with a score, for DRC to judge. The measure forbids nothing by itself — it asks for
intensive construction — so this module only finds and scores; the judgement stays with DRC.

How it works (MinHash + locality-sensitive hashing, pure Python, nothing downloaded):

1. **Normalise** (`features`): NFKC, lower case; the district's boilerplate terms (`BOILERPLATE`) are cut out; the
   rest splits into runs of CJK characters and runs of letters/digits; anything else separates runs. A CJK run
   gives its character bigrams, a letter/digit run its token (``gis``, ``5g``, ``12345``); one-character runs give
   nothing. The object's name counts twice: its features appear once plain and once marked with ``^`` (a name
   shared is stronger evidence than a phrase shared in the body; a set cannot repeat, so the mark does it).
2. **Sign** (`signature`): K = 64 MinHash values. Each feature's UTF-8 bytes go once through SHAKE-128 (hashlib)
   for 256 bytes, read as 64 little-endian unsigned 32-bit integers: value i is hash function i of that feature;
   the signature is the position-wise minimum. Deterministic in every process and on every platform (never
   Python's `hash()`, which is salted per process); `SCHEME` is absorbed first, so a change of scheme changes every
   bucket.
3. **Band** (`bands`): B = 32 bands of R = 2 rows; a band's bucket is a 64-bit BLAKE2b of the document's kind,
   its jurisdiction, the band's number and its two values (a signed integer, for a BigIntegerField). Kind and
   jurisdiction in the bucket make the lookup exact without a join to the documents: a project never shares a
   bucket with a resource, nor a document of one jurisdiction with another's; a query for several kinds asks for
   each kind's buckets. Two documents of one kind and jurisdiction with Jaccard similarity J share at least one
   bucket with probability 1 − (1 − J²)³², the S-curve:

       J     0.05  0.10  0.15  0.20  0.25  0.30  0.35  0.40  0.50
       P     0.08  0.28  0.52  0.73  0.87  0.95  0.98  0.996 >0.999

   so a pair at J ≥ 0.3 is a candidate almost surely, one at 0.2 three times in four; the knee is at
   (1/32)^(1/2) ≈ 0.18. Fewer rows per band (R = 1) would make every shared common bigram a candidate; more
   (R = 3, B = 21) would miss more than half the pairs at 0.3 (P = 0.44).
4. **Look up** (`similar_to`): one query on the band rows alone (the (band, bucket) index; no join, which lets
   SQLite's planner walk the whole jurisdiction instead) — the rows whose bucket is one of the query's 32 per kind
   asked, grouped by document, the `CANDIDATES` (200) with most shared bands first; one more for those documents'
   features, titles and unit names. Then an exact re-rank in Python: the score is the cosine of the two feature
   sets, |A ∩ B| / √(|A|·|B|) (name features counted twice as above), rounded to two decimals. Cosine rather
   than Jaccard because a project's long text and a system's short summary differ in length: Jaccard is capped
   by the length ratio, cosine only by its square root.
   Cosine ≥ Jaccard, so what the bands find at J ≥ 0.3 scores ≥ 0.46 when the two are of similar length.

Why boilerplate is cut rather than kept for the re-rank: every record of the district says 鼓楼区, 系统, 平台,
建设, 数据, 服务…; kept, they would make any two records a candidate (a shared minimum for nothing) and lift every
score by an amount that depends on the texts' lengths, so no single `min_score` could separate a duplicate from
an unrelated project. Cutting the term, rather than only dropping its bigram, also drops the bigrams that straddle
it (智慧城管综合指挥平台 keeps 综合指挥, not 挥平). A few words that contain a boilerplate term but mean something
else are kept whole (`KEEP`: 事项 in 事项目录 is not 项目, 服务器 is not 服务). A text of boilerplate only is not
indexed: it has nothing to compare.

What is indexed (`document_text`): a project — its name, 建设必要性 and 主要建设内容 (not the data-sharing
section, which is alike in every application); a system — its name and 系统功能和内容; a resource — its name,
摘要 and the names of its information items. Never a classified project or system (art. 5), nor a resource of a
classified system, nor a project in draft (a draft is its unit's own until it is submitted; DRC does not see it)
or withdrawn (nothing will be built). A draft can still be compared: `similar_to(kind="project", obj=draft)`.

Callers: the services index on every save (`index_object`) in the save's transaction, and remove on deletion or
when an object becomes classified (`index_object` removes it too). `similar_to` returns other units' records: their
projects only DRC may be shown; their systems and resources whoever reads the catalogue. `reindex_all` (command ``reindex_similarity``) rebuilds everything."""

from __future__ import annotations

import hashlib
import math
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from itgov.projects.choices import ProjectStatus

from .models import (
    CatalogueResource,
    DataItem,
    InformationSystem,
    SimilarityBand,
    SimilarityDoc,
    SimilarityKind,
)

SCHEME = b"itgov-similarity-1\x00"  # mixed into every feature's hash: change it with K, R or the features
K = 64  # MinHash values per signature
R = 2  # rows per band
B = K // R  # bands: 32
CANDIDATES = 200  # documents re-ranked exactly, those sharing most bands first
TITLE_MARK = "^"  # a name's features, counted a second time
ALL_KINDS = tuple(SimilarityKind.values)

# The district's boilerplate: words in nearly every record, which say nothing about what is built. Longest first
# where one contains another (the regex takes the first alternative that matches at a position).
BOILERPLATE = (
    "南京市", "鼓楼区", "江苏省", "南京", "鼓楼", "江苏", "全区", "本区", "我区", "区级", "区委", "区政府",
    "信息化", "信息", "系统", "平台", "数据", "管理", "建设", "项目", "服务", "政务", "工程", "智慧", "数字化",
    "一期", "二期", "三期", "升级", "改造", "实现", "提升", "提高", "进一步", "加强", "推进", "满足", "需要",
    "需求", "现有", "相关", "以及", "通过", "进行", "开展", "工作", "能力", "水平", "功能", "模块", "主要",
    "包括", "支撑", "支持", "应用", "业务", "单位", "部门",
)
# Words that contain a boilerplate term but mean something of their own: matched first and kept whole.
KEEP = ("事项", "服务器", "数据库")
_TERMS = re.compile("|".join(sorted(KEEP + BOILERPLATE, key=len, reverse=True)))
_KEEP = frozenset(KEEP)
_PROJECTS_LEFT_OUT = (ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN)  # the unit's own; nothing to be built


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F)


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, boilerplate terms replaced by a space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _TERMS.sub(lambda m: m.group(0) if m.group(0) in _KEEP else " ", text)


def _runs(text: str) -> Iterator[tuple[bool, str]]:
    """(is_cjk, run) for each maximal run of CJK characters or of other letters and digits."""
    run: list[str] = []
    cjk = False
    for ch in text:
        if _is_cjk(ch):
            kind = True
        elif ch.isalnum():
            kind = False
        else:
            if run:
                yield cjk, "".join(run)
                run = []
            continue
        if run and kind != cjk:
            yield cjk, "".join(run)
            run = []
        cjk = kind
        run.append(ch)
    if run:
        yield cjk, "".join(run)


def shingles(text: str) -> set[str]:
    """The character bigrams of the text's CJK runs and the tokens of its letter/digit runs, boilerplate cut."""
    out: set[str] = set()
    for cjk, run in _runs(normalise(text)):
        if len(run) < 2:
            continue
        if cjk:
            out.update(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.add(run)
    return out


def features(title: str, body: str = "") -> set[str]:
    """A document's feature set: the shingles of its name and body, and the name's once more, marked."""
    named = shingles(title)
    return named | shingles(body) | {TITLE_MARK + s for s in named}


_SEEDED = hashlib.shake_128(SCHEME)


def _hashes(feature: str) -> bytes:
    h = _SEEDED.copy()
    h.update(feature.encode("utf-8"))
    return h.digest(4 * K)


def signature(feats: Iterable[str]) -> tuple[int, ...]:
    """K MinHash values of a feature set (empty for an empty set). One SHAKE-128 call per feature gives its K
    32-bit hash values; the minimum is taken per position, in C (slices and `min`)."""
    digests = [_hashes(f) for f in feats]
    if not digests:
        return ()
    values = struct.unpack(f"<{K * len(digests)}I", b"".join(digests))
    return tuple(min(values[i::K]) for i in range(K))


def bands(sig: tuple[int, ...], kind: str, jurisdiction_id: int) -> list[tuple[int, int]]:
    """(band, bucket) for each of the B bands of a document of `kind` in a jurisdiction."""
    prefix = f"{kind}\x00{jurisdiction_id}\x00".encode()
    out = []
    for band in range(len(sig) // R):
        key = prefix + struct.pack(f"<H{R}I", band, *sig[R * band:R * band + R])
        out.append((band, struct.unpack("<q", hashlib.blake2b(key, digest_size=8).digest())[0]))
    return out


def cosine(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / √(|A|·|B|): 1 for the same features, 0 for none shared."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


# What is indexed --------------------------------------------------------------------------------------------------

def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def project_text(name: str, necessity: str, construction_content: str) -> tuple[str, str]:
    return name, _join(necessity, construction_content)


def system_text(name: str, summary: str) -> tuple[str, str]:
    return name, summary


def resource_text(name: str, summary: str, item_names: Iterable[str]) -> tuple[str, str]:
    return name, _join(summary, "、".join(item_names))


def document_text(kind: str, obj) -> tuple[str, str]:
    """(title, body) of a project, system or resource as duplicate detection reads it. A resource's items are read
    from `obj.items` (prefetched or one query)."""
    if kind == SimilarityKind.PROJECT:
        return project_text(obj.name, obj.necessity, obj.construction_content)
    if kind == SimilarityKind.SYSTEM:
        return system_text(obj.name, obj.summary)
    if kind == SimilarityKind.RESOURCE:
        return resource_text(obj.name, obj.summary, [item.name for item in obj.items.all()])
    raise ValueError(f"unknown similarity kind {kind!r}")


def _placement(kind: str, obj) -> tuple[int, int | None]:
    """(jurisdiction id, unit id) of an object."""
    if kind == SimilarityKind.PROJECT:
        return obj.owner_unit.jurisdiction_id, obj.owner_unit_id
    if kind == SimilarityKind.SYSTEM:
        return obj.jurisdiction_id, obj.owner_unit_id
    return obj.jurisdiction_id, obj.provider_id


def indexable(kind: str, obj) -> bool:
    """False for what is never indexed: a classified project or system (art. 5), a resource of a classified system,
    a project in draft or withdrawn."""
    if kind == SimilarityKind.PROJECT:
        return not obj.classified and obj.status not in _PROJECTS_LEFT_OUT
    if kind == SimilarityKind.SYSTEM:
        return not obj.classified
    if kind == SimilarityKind.RESOURCE:
        return not obj.system.classified
    raise ValueError(f"unknown similarity kind {kind!r}")


# Writes ---------------------------------------------------------------------------------------------------------

def _encode(feats: set[str]) -> str:
    return " ".join(sorted(feats))


def index_object(kind: str, obj) -> SimilarityDoc | None:
    """Index (or re-index) one object after a save: upsert its document and replace its bands, in one transaction.
    An object that may not be indexed (classified, a draft, withdrawn) or whose text is boilerplate only is removed instead.
    A save that changed none of the indexed text, title or placement costs one query and writes nothing."""
    if not indexable(kind, obj):
        remove_object(kind, obj.pk)
        return None
    title, body = document_text(kind, obj)
    feats = features(title, body)
    if not feats:
        remove_object(kind, obj.pk)
        return None
    jurisdiction_id, unit_id = _placement(kind, obj)
    encoded = _encode(feats)
    values = {"jurisdiction_id": jurisdiction_id, "unit_id": unit_id, "title": title[:200], "shingles": encoded}
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one
        doc, created = SimilarityDoc.objects.select_for_update().get_or_create(kind=kind, object_id=obj.pk,
                                                                              defaults=values)
        if not created:
            if all(getattr(doc, field) == value for field, value in values.items()):
                return doc
            same_bands = doc.shingles == encoded and doc.jurisdiction_id == jurisdiction_id
            for field, value in values.items():
                setattr(doc, field, value)
            doc.save(update_fields=[*values, "updated_at"])
            if same_bands:  # a new unit, or a title changed in boilerplate only
                return doc
            SimilarityBand.objects.filter(doc=doc).delete()
        SimilarityBand.objects.bulk_create([SimilarityBand(doc=doc, band=band, bucket=bucket)
                                            for band, bucket in bands(signature(feats), kind, jurisdiction_id)])
    return doc


def remove_object(kind: str, object_id: int) -> int:
    """Remove an object's document and its bands (deleted with it). Returns the number of documents removed."""
    return SimilarityDoc.objects.filter(kind=kind, object_id=object_id).delete()[1].get(SimilarityDoc._meta.label, 0)


# Reads ----------------------------------------------------------------------------------------------------------

def similar_to(*, text: str | None = None, title: str = "", kind: str | None = None, obj=None,
               jurisdiction=None, kinds: Iterable[str] = ALL_KINDS, exclude: tuple[str, int] | None = None,
               limit: int = 10, min_score: float = 0.2) -> list[dict[str, Any]]:
    """The indexed objects most like a text or an object, best first: dicts of kind, object_id, title, unit (its
    name), score (0–1, two decimals; see the module docstring). Projects of other units may be shown to DRC only;
    systems and resources to whoever reads the catalogue.

    Either `text` (a body; `title`, the name, counts twice as an object's name does) with `jurisdiction`, or
    `kind` and `obj` (a saved or unsaved project, system or resource; the jurisdiction defaults to the object's,
    and the object itself is excluded). A classified object is compared with nothing (art. 5). `exclude`: one more
    (kind, object_id) to leave out. Two queries whatever the size of the index (one more to read a resource's items
    or a project's unit when they are not loaded)."""
    if obj is not None:
        if kind is None:
            raise ValueError("similar_to(obj=...) needs its kind")
        if not indexable(kind, obj) and (kind == SimilarityKind.RESOURCE or obj.classified):
            return []  # classified: compared with nothing (a draft is compared, though not indexed)
        title, text = document_text(kind, obj)
        if jurisdiction is None:
            jurisdiction = _placement(kind, obj)[0]
    elif text is None and not title:
        raise ValueError("similar_to needs a text or an object")
    if jurisdiction is None:
        raise ValueError("similar_to needs a jurisdiction")
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    query = features(title, text or "")
    if not query:
        return []
    kinds = list(kinds)
    sig = signature(query)
    buckets = [bucket for each in kinds for _, bucket in bands(sig, each, jurisdiction_id)]
    left_out = [pair for pair in (exclude, (kind, obj.pk) if obj is not None and obj.pk else None) if pair]
    # A bucket is unique to its band (the band is hashed into it): the (bucket, doc) index covers the lookup.
    candidates = list(SimilarityBand.objects.filter(bucket__in=buckets)
                      .values("doc_id").annotate(hits=Count("*"))
                      .order_by("-hits", "-doc_id").values_list("doc_id", flat=True)[:CANDIDATES + len(left_out)])
    if not candidates:
        return []
    docs = SimilarityDoc.objects.filter(pk__in=candidates, jurisdiction_id=jurisdiction_id, kind__in=kinds)
    for other_kind, other_id in left_out:
        docs = docs.exclude(kind=other_kind, object_id=other_id)
    found = []
    for doc in docs.values("kind", "object_id", "title", "shingles", "unit__name"):
        score = cosine(query, set(doc["shingles"].split()))
        if score >= min_score:
            found.append((score, doc))
    found.sort(key=lambda pair: (-pair[0], pair[1]["kind"], pair[1]["object_id"]))
    return [{"kind": doc["kind"], "object_id": doc["object_id"], "title": doc["title"],
             "unit": doc["unit__name"] or "", "score": round(score, 2)} for score, doc in found[:limit]]


# Rebuild --------------------------------------------------------------------------------------------------------

def _project_rows(batch: int) -> Iterator[list[tuple]]:
    from itgov.projects.models import Project

    qs = (Project.objects.filter(classified=False).exclude(status__in=_PROJECTS_LEFT_OUT).order_by("pk")
          .values_list("pk", "name", "necessity", "construction_content", "owner_unit__jurisdiction_id",
                       "owner_unit_id"))
    chunk = []
    for pk, name, necessity, content, jurisdiction_id, unit_id in qs.iterator(chunk_size=batch):
        chunk.append((pk, *project_text(name, necessity, content), jurisdiction_id, unit_id))
        if len(chunk) == batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _system_rows(batch: int) -> Iterator[list[tuple]]:
    qs = (InformationSystem.objects.filter(classified=False).order_by("pk")
          .values_list("pk", "name", "summary", "jurisdiction_id", "owner_unit_id"))
    chunk = []
    for pk, name, summary, jurisdiction_id, unit_id in qs.iterator(chunk_size=batch):
        chunk.append((pk, *system_text(name, summary), jurisdiction_id, unit_id))
        if len(chunk) == batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _resource_rows(batch: int) -> Iterator[list[tuple]]:
    qs = (CatalogueResource.objects.filter(system__classified=False).order_by("pk")
          .values_list("pk", "name", "summary", "jurisdiction_id", "provider_id"))
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return
        last = rows[-1][0]
        items: dict[int, list[str]] = {}
        for resource_id, name in (DataItem.objects.filter(resource_id__in=[r[0] for r in rows])
                                  .order_by("resource_id", "position").values_list("resource_id", "name")):
            items.setdefault(resource_id, []).append(name)
        yield [(pk, *resource_text(name, summary, items.get(pk, ())), jurisdiction_id, unit_id)
               for pk, name, summary, jurisdiction_id, unit_id in rows]


def reindex_all(*, batch: int = 2000, stdout=None) -> dict[str, int]:
    """Rebuild the whole index in one transaction: every document removed, every indexable project, system and
    resource indexed again in batches (bulk inserts). Returns the number of documents per kind. For a change of
    scheme (`SCHEME`, K, R, the features) or after a bulk import that bypassed the services."""
    insert = "INSERT INTO catalogue_similarityband (doc_id, band, bucket) VALUES (%s, %s, %s)"  # the model's table
    counts = {}
    with transaction.atomic():
        SimilarityBand.objects.all().delete()
        SimilarityDoc.objects.all().delete()
        for kind, source in ((SimilarityKind.PROJECT, _project_rows), (SimilarityKind.SYSTEM, _system_rows),
                             (SimilarityKind.RESOURCE, _resource_rows)):
            kind = kind.value
            counts[kind] = 0
            for chunk in source(batch):
                docs, signatures, placed = [], [], []
                for pk, title, body, jurisdiction_id, unit_id in chunk:
                    feats = features(title, body)
                    if not feats:
                        continue
                    docs.append(SimilarityDoc(kind=kind, object_id=pk, jurisdiction_id=jurisdiction_id,
                                              unit_id=unit_id, title=title[:200], shingles=_encode(feats)))
                    signatures.append(signature(feats))
                    placed.append(jurisdiction_id)
                SimilarityDoc.objects.bulk_create(docs, batch_size=batch)
                with connection.cursor() as cursor:  # 3.2 M rows at 100k projects: the ORM's objects cost 5×
                    cursor.executemany(insert, [(doc.pk, band, bucket)
                                                for doc, sig, jurisdiction_id in zip(docs, signatures, placed,
                                                                                     strict=True)
                                                for band, bucket in bands(sig, kind, jurisdiction_id)])
                counts[kind] += len(docs)
            if stdout is not None:
                stdout.write(f"{kind}: {counts[kind]}")
    return counts
