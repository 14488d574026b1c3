"""A project's dossier (art. 25: 如实提供建设项目有关资料和情况): every record, document and event of the project as
one archive for the auditors.

The records are found generically, so a new app's records are in the dossier without a change here: the project's
row; every row of every installed model with a ForeignKey or OneToOneField to projects.Project (or a
ManyToManyField: the audit cases) for this project; then, two levels further down, the rows of models that reference
those rows (an application's documents, milestones and review; a baseline's approval letter; an audit request's
answers and their files). A model that references the project directly is read once, at the first level. Each model
is one query (its parents are subqueries), so the export costs the same at 10 rows and 10,000.

Who reads what: the archive holds what its reader may see elsewhere — DRC's review and its expert panel are left out
for a reader without approvals.view_review (the owner unit), the audit cases (scope, conclusion) for a reader who may
not read them; the events are the audit bureau's full trail of the project, or the project's history as the reader
sees it (projects.selectors.project_history).

The archive: `manifest.json` (the export time, who exported, each file of the archive with its size and SHA-256, the
number of rows of each model), `project.json` (the rows, as django.core.serializers "json": a fixture), `events.csv`
and `files/<app.model>/<id>/<name>` (every FileField's file of those rows, under the name it was uploaded
with where the row keeps it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass

import rules as perms
from django.apps import apps
from django.core import serializers
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from itgov.audit.export import csv_lines
from itgov.core.dates import SHANGHAI
from itgov.projects.models import Project

DEPTH = 3  # the project's own records, their children, their grandchildren (an answer's files)
# Models a reader sees only with a permission on the project (the rows below them follow).
RESTRICTED = {"approvals.approvalreview": "approvals.view_review", "oversight.auditcase": "oversight.read_cases"}


@dataclass
class Part:
    """The rows of one model that belong to the project."""

    model: type[models.Model]
    queryset: QuerySet
    depth: int

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def file_fields(self) -> list[models.FileField]:
        return [f for f in self.model._meta.concrete_fields if isinstance(f, models.FileField)]


def _may_see(user, project: Project, label: str) -> bool:
    perm = RESTRICTED.get(label)
    if perm is None:
        return True
    if perm == "oversight.read_cases":
        from .policies import may_read_cases

        return may_read_cases(user)
    return perms.has_perm(perm, user, project)


def _references(model, target) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is target]


def parts_of(project: Project, user) -> list[Part]:
    """Every model's rows of the project (lazy querysets: nothing is read yet)."""
    found: dict[type, Part] = {Project: Part(Project, Project.objects.filter(pk=project.pk), 0)}
    frontier = [Project]
    candidates = sorted((m for m in apps.get_models() if m is not Project), key=lambda m: m._meta.label_lower)
    direct = {m for m in candidates if _references(m, Project)}
    for depth in range(1, DEPTH + 1):
        reached = []
        for model in candidates:
            if model in found or (depth > 1 and model in direct):
                continue
            condition = Q()
            for parent in frontier:
                for field in _references(model, parent):
                    condition |= Q(**{f"{field.name}__in": found[parent].queryset.values("pk")})
            distinct = False
            if depth == 1:
                for field in model._meta.many_to_many:
                    if field.related_model is Project:
                        condition |= Q(**{field.name: project.pk})
                        distinct = True
            if not condition or not _may_see(user, project, model._meta.label_lower):
                continue
            qs = model._default_manager.filter(condition).order_by("pk")
            found[model] = Part(model, qs.distinct() if distinct else qs, depth)
            reached.append(model)
        frontier = reached
        if not frontier:
            break
    return list(found.values())


def record_counts(parts: list[Part]) -> list[dict]:
    """Each model with its number of rows (one COUNT each), for the dossier page."""
    rows = []
    for part in parts:
        rows.append({"label": part.label, "name": part.verbose_name, "app": str(part.model._meta.app_config.verbose_name),
                     "count": part.queryset.count(), "depth": part.depth})
    return rows


def project_events(project: Project, user) -> QuerySet:
    """The project's audit events as `user` may read them: the audit bureau the whole trail of the project, anyone
    else the project's history (its business events and refused attempts, what the approval hides left out)."""
    from itgov.audit.access import can_search_audit
    from itgov.projects.selectors import project_history

    if can_search_audit(user):
        from itgov.audit.models import AuditEvent

        return AuditEvent.objects.filter(project_id=project.pk).order_by("seq")
    return project_history(project, user).order_by("seq")


# --- the archive -------------------------------------------------------------------------------------------------

def _events_csv(qs, sink) -> None:
    """The events as the audit page exports them (itgov.audit.export), written in chunks."""
    chunk: list[str] = []
    for n, line in enumerate(csv_lines(qs), 1):
        chunk.append(line)
        if n % 500 == 0:
            sink.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    sink.write("".join(chunk).encode("utf-8"))


class _Hashing:
    """A writable that hashes and counts what passes through to `target` (a zip member)."""

    def __init__(self, target):
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


def _safe(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return "".join(c for c in base if c not in '<>:"|?*\x00')[:150] or "file"


def build_archive(project: Project, user, *, at: dt.datetime | None = None):
    """The dossier as a zip in a temporary file (rewound, deleted when closed) and its manifest."""
    at = at or timezone.now()
    parts = parts_of(project, user)
    handle = tempfile.TemporaryFile()
    files: list[dict] = []
    counts: dict[str, int] = {}
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def member(path: str, write) -> None:
            with archive.open(path, "w", force_zip64=True) as raw:
                sink = _Hashing(raw)
                write(sink)
            files.append({"path": path, "size": sink.size, "sha256": sink.digest.hexdigest()})

        objects, attachments = [], []
        for part in parts:
            qs = part.queryset
            m2m = [f.name for f in part.model._meta.many_to_many if f.remote_field.through._meta.auto_created]
            if m2m:
                qs = qs.prefetch_related(*m2m)
            rows = list(qs)
            counts[part.label] = len(rows)
            objects += rows
            for row in rows:
                for field in part.file_fields:
                    value = getattr(row, field.attname)
                    if value:
                        original = getattr(row, "name", "")  # the uploaded file's own name, where kept
                        attachments.append((part.label, row.pk, getattr(row, field.name),
                                            original if isinstance(original, str) and original else ""))
        payload = serializers.serialize("json", objects, indent=2, ensure_ascii=False)
        member("project.json", lambda sink: sink.write(payload.encode("utf-8")))
        member("events.csv", lambda sink: _events_csv(project_events(project, user), sink))
        used: set[str] = set()
        for label, pk, fieldfile, original in attachments:
            path = f"files/{label}/{pk}/{_safe(original or fieldfile.name)}"
            while path in used:
                path = path + "_"
            used.add(path)
            try:
                source = fieldfile.open("rb")
            except (FileNotFoundError, OSError):
                files.append({"path": path, "missing": True})
                continue
            with source:
                member(path, lambda sink, source=source: [sink.write(chunk) for chunk in source.chunks()])
        manifest = {
            "project": {"id": project.pk, "name": project.name, "owner_unit": project.owner_unit.name},
            "exported_at": at.astimezone(SHANGHAI).isoformat(),
            "exported_by": {"id": user.pk, "name": user.display_name,
                            "unit": user.unit.name if getattr(user, "unit", None) else ""},
            "records": counts,
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    handle.seek(0)
    return handle, manifest


def filename(project: Project, at: dt.datetime) -> str:
    return f"project-{project.pk}-dossier-{at.astimezone(SHANGHAI):%Y%m%d-%H%M%S}.zip"
