"""The district data-resource catalogue (art. 27–29) and the information systems it describes.

Every information system — the output of a project, or an existing system a unit registers — lists the data
resources it holds in the district catalogue, owned by the district government and curated by DRC (art. 27). A
resource carries the national catalogue guide's metadata; its sharing type is one of the three of art. 29, with
its conditions (有条件共享) or its legal basis (不予共享), both required — by the rule and by the database. A
consumer unit requests a conditional resource; the provider answers within the profile's period. A classified
system (art. 5) keeps minimal metadata and never enters the catalogue, sharing or similarity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    InterfaceKind,
    ItemType,
    OpenType,
    RequestStatus,
    ResourceClass,
    ResourceFormat,
    SharingMethod,
    SharingType,
    SystemStatus,
    UpdateCycle,
)


class InformationSystem(models.Model):
    """An information system of an owner unit: built by `project`, or registered as existing (project empty).
    Numbered per jurisdiction (XT-320106-0001). Its graded protection level and filing (art. 30) are here; its
    assessments are in `itgov.security`."""

    jurisdiction = models.ForeignKey("organizations.Jurisdiction", verbose_name=_("行政区域"),
                                     on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("系统编号"), max_length=40)
    name = models.CharField(_("系统名称"), max_length=100)
    owner_unit = models.ForeignKey("organizations.Unit", verbose_name=_("建设运维单位"), on_delete=models.PROTECT,
                                   related_name="information_systems")
    project = models.ForeignKey("projects.Project", verbose_name=_("建设项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="information_systems")
    summary = models.TextField(_("系统功能和内容"))
    status = models.CharField(_("系统状态"), max_length=12, choices=SystemStatus.choices,
                              default=SystemStatus.BUILDING, db_index=True)
    classified = models.BooleanField(_("涉密系统"), default=False,
                                     help_text=_("涉密信息系统按照有关规定执行(第五条),不纳入目录和共享"))
    protection_level = models.PositiveSmallIntegerField(_("等级保护级别"), null=True, blank=True)
    filing_number = models.CharField(_("等保备案编号"), max_length=60, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_authority = models.CharField(_("备案机关"), max_length=100, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息系统")
        verbose_name_plural = _("信息系统")
        ordering = ["jurisdiction", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "seq"], name="unique_system_seq"),
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="unique_system_code"),
            models.CheckConstraint(condition=Q(protection_level__isnull=True) | Q(protection_level__gte=1,
                                                                                  protection_level__lte=5),
                                   name="system_protection_level_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CatalogueResource(models.Model):
    """A data resource in the district catalogue (art. 27, 29), with the national guide's metadata. `declared` is
    the resource the project's initiation application said it would produce (art. 28), when it is that one."""

    jurisdiction = models.ForeignKey("organizations.Jurisdiction", verbose_name=_("行政区域"),
                                     on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(InformationSystem, verbose_name=_("所属信息系统"), on_delete=models.PROTECT,
                               related_name="resources")
    provider = models.ForeignKey("organizations.Unit", verbose_name=_("提供单位"), on_delete=models.PROTECT,
                                 related_name="catalogue_resources")
    resource_class = models.CharField(_("资源分类"), max_length=16, choices=ResourceClass.choices)
    seq = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("资源代码"), max_length=40)
    name = models.CharField(_("资源名称"), max_length=100)
    summary = models.TextField(_("资源摘要"))
    format = models.CharField(_("资源格式"), max_length=16, choices=ResourceFormat.choices)
    sharing_type = models.CharField(_("共享类型"), max_length=16, choices=SharingType.choices, db_index=True)
    sharing_conditions = models.TextField(_("共享条件"), blank=True)
    not_shared_basis = models.TextField(_("不予共享依据"), blank=True)
    sharing_method = models.CharField(_("共享方式"), max_length=12, choices=SharingMethod.choices, blank=True)
    open_type = models.CharField(_("开放类型"), max_length=12, choices=OpenType.choices)
    update_cycle = models.CharField(_("更新周期"), max_length=12, choices=UpdateCycle.choices)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    related = models.ManyToManyField("self", verbose_name=_("关联资源"), blank=True)
    declared = models.ForeignKey("approvals.DataResource", verbose_name=_("立项申报的数据资源"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="catalogue_entries")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源目录")
        ordering = ["jurisdiction", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "seq"], name="unique_resource_seq"),
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="unique_resource_code"),
            # Art. 29: a conditional resource states its conditions, a resource not shared its legal basis.
            models.CheckConstraint(condition=~Q(sharing_type="conditional") | ~Q(sharing_conditions=""),
                                   name="conditional_resource_has_conditions"),
            models.CheckConstraint(condition=~Q(sharing_type="not_shared") | ~Q(not_shared_basis=""),
                                   name="unshared_resource_has_basis"),
        ]
        indexes = [models.Index(fields=["provider", "sharing_type"], name="resource_provider_type")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DataItem(models.Model):
    """An information item (信息项) of a resource: its name, data type and whether it is sensitive."""

    resource = models.ForeignKey(CatalogueResource, verbose_name=_("数据资源"), on_delete=models.CASCADE,
                                 related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("信息项名称"), max_length=60)
    data_type = models.CharField(_("数据类型"), max_length=1, choices=ItemType.choices)
    sensitive = models.BooleanField(_("敏感信息"), default=False)

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["resource", "position"]
        constraints = [models.UniqueConstraint(fields=["resource", "position"], name="unique_item_position")]

    def __str__(self) -> str:
        return self.name


class SharingInterface(models.Model):
    """A sharing or exchange interface of a resource (art. 29: 提供共享和交换接口): an API or a file exchange."""

    resource = models.ForeignKey(CatalogueResource, verbose_name=_("数据资源"), on_delete=models.CASCADE,
                                 related_name="interfaces")
    kind = models.CharField(_("接口类型"), max_length=8, choices=InterfaceKind.choices)
    name = models.CharField(_("接口名称"), max_length=100)
    address = models.CharField(_("接口地址或交换目录"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("在用"), default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共享接口")
        verbose_name_plural = _("共享接口")
        ordering = ["resource", "id"]

    def __str__(self) -> str:
        return self.name


class SharingRequest(models.Model):
    """A consumer unit's request for a conditional resource (art. 29). The provider answers by `due_on` (the
    request's day + the profile's `sharing_answer_days`; none when the profile sets no period); a refusal gives
    reasons. A grant may carry an end of validity; its uses are recorded."""

    resource = models.ForeignKey(CatalogueResource, verbose_name=_("数据资源"), on_delete=models.PROTECT,
                                 related_name="requests")
    consumer = models.ForeignKey("organizations.Unit", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                 related_name="sharing_requests")
    purpose = models.TextField(_("用途和依据"))
    items = models.CharField(_("申请的信息项"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_on = models.DateField(_("申请日期"))
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING,
                              db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("答复日期"), null=True, blank=True)
    reasons = models.TextField(_("答复意见"), blank=True)
    valid_until = models.DateField(_("授权有效期至"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(reasons=""), name="refusal_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} · {self.resource.name}" if self.resource_id else str(self.consumer)


class SharingUse(models.Model):
    """A recorded use of a granted resource: when, how many records, for what."""

    request = models.ForeignKey(SharingRequest, verbose_name=_("共享申请"), on_delete=models.PROTECT,
                                related_name="uses")
    used_on = models.DateField(_("使用日期"))
    records = models.PositiveIntegerField(_("调用或交换记录数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共享使用记录")
        verbose_name_plural = _("共享使用记录")
        ordering = ["-used_on", "-id"]

    def __str__(self) -> str:
        return f"{self.request} · {self.used_on}"


class SimilarityKind(models.TextChoices):
    PROJECT = "project", _("项目")
    SYSTEM = "system", _("信息系统")
    RESOURCE = "resource", _("数据资源")


class SimilarityDoc(models.Model):
    """The text of a project, system or resource as duplicate detection reads it (art. 3, 18: 集约建设): its
    normalised character shingles, kept to re-rank the candidates the bands find. Classified objects (art. 5) are
    never indexed."""

    kind = models.CharField(_("类型"), max_length=8, choices=SimilarityKind.choices)
    object_id = models.PositiveBigIntegerField(_("对象ID"))
    jurisdiction = models.ForeignKey("organizations.Jurisdiction", verbose_name=_("行政区域"),
                                     on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("单位"), null=True, on_delete=models.SET_NULL,
                             related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    shingles = models.TextField(_("特征"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("相似性索引")
        verbose_name_plural = _("相似性索引")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_similarity_doc")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SimilarityBand(models.Model):
    """One locality-sensitive-hashing band of a document's MinHash signature: documents sharing a (band, bucket)
    are candidates for each other."""

    doc = models.ForeignKey(SimilarityDoc, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    bucket = models.BigIntegerField()

    class Meta:
        # The band's number is hashed into the bucket: a lookup by bucket alone, covered by (bucket, doc).
        indexes = [models.Index(fields=["bucket", "doc"], name="similarity_bucket_doc")]

    def __str__(self) -> str:
        return f"{self.doc_id}:{self.band}"
