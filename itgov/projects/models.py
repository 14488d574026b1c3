"""The project record (art. 2, 5, 6, 7) and the units that take part in it (art. 16)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped
from itgov.core.money import format_wan
from itgov.organizations.models import Unit
from itgov.planning.models import PlanTask

from .choices import ConstructionType, ProjectKind, ProjectStatus


class Project(TimeStamped):
    """A government IT project under the measures. `status` changes only through the transition engine
    (core.workflow); `version` is its optimistic-concurrency counter."""

    name = models.CharField(_("项目名称"), max_length=120)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("建设单位"), on_delete=models.PROTECT,
                                   related_name="projects")
    kind = models.CharField(_("项目类别"), max_length=32, choices=ProjectKind.choices)
    construction_type = models.CharField(_("建设性质"), max_length=16, choices=ConstructionType.choices)
    classified = models.BooleanField(_("涉密项目"), default=False,
                                     help_text=_("第五条:涉密项目按照有关规定执行,本系统只登记最少元数据"))
    estimated_investment = models.DecimalField(_("估算总投资(元)"), max_digits=14, decimal_places=2,
                                               validators=[MinValueValidator(0)])
    responsible_person = models.CharField(_("项目责任人"), max_length=40, blank=True)
    responsible_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    necessity = models.TextField(_("建设必要性"), blank=True)
    construction_content = models.TextField(_("主要建设内容"), blank=True)
    data_sharing_intent = models.TextField(_("数据共享内容"), blank=True,
                                           help_text=_("第二十八条:产生和使用的数据资源、共享方式、纳入全区目录的安排"))
    plan_task = models.ForeignKey(PlanTask, verbose_name=_("发展规划任务"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="projects")
    status = models.CharField(_("状态"), max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT,
                              db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    last_return_reason = models.TextField(_("最近退回理由"), blank=True)
    reserve_no_task_reason = models.TextField(_("未关联规划任务的入库理由"), blank=True)
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    project_code = models.CharField(_("项目代码"), max_length=24, unique=True, null=True, blank=True,
                                    help_text=_("第十七条:江苏省投资项目在线审批监管平台赋予的项目代码"))
    project_code_status = models.CharField(_("平台办理状态"), max_length=40, blank=True)
    project_code_recorded_at = models.DateTimeField(_("项目代码登记时间"), null=True, blank=True)
    construction_started_at = models.DateTimeField(_("开工时间"), null=True, blank=True)
    trial_started_on = models.DateField(_("试运行开始日期"), null=True, blank=True,
                                        help_text=_("第二十二条:试运行满三个月方可申请竣工验收,应在半年内申请"))
    accepted_on = models.DateField(_("验收通过日期"), null=True, blank=True)
    operation_started_on = models.DateField(_("投入运行日期"), null=True, blank=True,
                                            help_text=_("第二十三条:验收通过后方可投入正式运行;第二十四条:自评价期限由此起算"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner_unit", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(estimated_investment__gte=0),
                                              name="project_investment_not_negative")]

    def __str__(self) -> str:
        return self.name

    @property
    def estimated_investment_wan(self) -> str:
        return format_wan(self.estimated_investment)


class ProjectParticipant(models.Model):
    """A participating unit of a joint project (art. 16). It confirms the joint application as it stands
    (`confirmed_application`, `confirmed_version`); a later edit of the application asks for a new
    confirmation before the lead unit can submit."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, verbose_name=_("参建单位"), on_delete=models.PROTECT)
    role_description = models.CharField(_("承担内容"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("加入时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_application = models.ForeignKey("approvals.InitiationApplication", null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+")
    confirmed_version = models.PositiveIntegerField(_("确认的申请版本"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("参建单位")
        verbose_name_plural = _("参建单位")
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="unique_participant")]

    def __str__(self) -> str:
        return f"{self.project} · {self.unit}"
