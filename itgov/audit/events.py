"""The closed list of audit event types. Adding a type is adding a line here (and a migration)."""

from django.utils.translation import gettext_lazy as _

AUTH_LOGIN = "auth.login"
AUTH_LOGOUT = "auth.logout"
AUTH_LOGIN_FAILED = "auth.login_failed"
AUTH_LOCKED_OUT = "auth.locked_out"
ACCESS_DENIED = "access.denied"
RULE_REFUSED = "rule.refused"
FILE_DOWNLOADED = "file.downloaded"

PROJECT_CREATED = "project.created"
PROJECT_CHANGED = "project.changed"
PROJECT_PROPOSAL_SUBMITTED = "project.proposal.submitted"
PROJECT_PROPOSAL_ADMITTED = "project.proposal.admitted"
PROJECT_PROPOSAL_RETURNED = "project.proposal.returned"
PROJECT_WITHDRAWN = "project.withdrawn"

DECLARATION_ROUND_OPENED = "planning.round.opened"
DECLARATION_EXCEPTION_GRANTED = "planning.exception.granted"
DECLARATION_LINE_DECLARED = "planning.line.declared"
DECLARATION_LINE_WITHDRAWN = "planning.line.withdrawn"
DECLARATION_IMPORTED = "planning.declarations.imported"

DEVPLAN_CREATED = "planning.devplan.created"
DEVPLAN_CHANGED = "planning.devplan.changed"
DEVPLAN_PUBLISHED = "planning.devplan.published"
DEVPLAN_REVISED = "planning.devplan.revised"
DEVPLAN_TASK_ADDED = "planning.devplan.task_added"
DEVPLAN_TASK_CHANGED = "planning.devplan.task_changed"
DEVPLAN_TASK_REMOVED = "planning.devplan.task_removed"

PLAN_CREATED = "planning.plan.created"
PLAN_CHANGED = "planning.plan.changed"
PLAN_COMPILED = "planning.plan.compiled"
PLAN_ALLOCATED = "planning.plan.allocated"
PLAN_LINE_ADDED = "planning.plan.line_added"
PLAN_LINE_CHANGED = "planning.plan.line_changed"
PLAN_LINE_REMOVED = "planning.plan.line_removed"
PLAN_SUBMITTED = "planning.plan.submitted"
PLAN_COSIGNED = "planning.plan.cosigned"
PLAN_RETURNED = "planning.plan.returned"
PLAN_ISSUED = "planning.plan.issued"
PROJECT_PLANNED = "project.planned"
ADJUSTMENT_APPLIED = "planning.adjustment.applied"
ADJUSTMENT_REVIEWED = "planning.adjustment.reviewed"
ADJUSTMENT_FINANCE_REVIEWED = "planning.adjustment.finance_reviewed"
ADJUSTMENT_CONSENTED = "planning.adjustment.consented"
ADJUSTMENT_REJECTED = "planning.adjustment.rejected"
ADJUSTMENT_WITHDRAWN = "planning.adjustment.withdrawn"

ORG_UNIT_CREATED = "org.unit.created"
ADMIN_OBJECT_CREATED = "admin.object.created"
ADMIN_OBJECT_CHANGED = "admin.object.changed"
ADMIN_OBJECT_DELETED = "admin.object.deleted"
TOKEN_ISSUED = "token.issued"  # noqa: S105  (an event name)
DEMO_LOADED = "system.demo_loaded"
POLICY_PROFILE_LOADED = "policy.profile.loaded"

EVENT_TYPES: dict[str, str] = {
    AUTH_LOGIN: _("登录"),
    AUTH_LOGOUT: _("退出"),
    AUTH_LOGIN_FAILED: _("登录失败"),
    AUTH_LOCKED_OUT: _("账号锁定"),
    ACCESS_DENIED: _("越权访问被拒绝"),
    RULE_REFUSED: _("规则拒绝"),
    FILE_DOWNLOADED: _("文件下载"),
    PROJECT_CREATED: _("创建项目"),
    PROJECT_CHANGED: _("修改项目"),
    PROJECT_PROPOSAL_SUBMITTED: _("提交入库申请"),
    PROJECT_PROPOSAL_ADMITTED: _("纳入储备库"),
    PROJECT_PROPOSAL_RETURNED: _("退回修改"),
    PROJECT_WITHDRAWN: _("撤回项目"),
    DECLARATION_ROUND_OPENED: _("发起年度申报"),
    DECLARATION_EXCEPTION_GRANTED: _("批准申报例外"),
    DECLARATION_LINE_DECLARED: _("申报年度计划"),
    DECLARATION_LINE_WITHDRAWN: _("撤回年度申报"),
    DECLARATION_IMPORTED: _("导入年度申报"),
    DEVPLAN_CREATED: _("起草发展规划"),
    DEVPLAN_CHANGED: _("修改发展规划"),
    DEVPLAN_PUBLISHED: _("发布发展规划"),
    DEVPLAN_REVISED: _("修订发展规划"),
    DEVPLAN_TASK_ADDED: _("新增规划任务"),
    DEVPLAN_TASK_CHANGED: _("修改规划任务"),
    DEVPLAN_TASK_REMOVED: _("删除规划任务"),
    PLAN_CREATED: _("新建年度投资计划"),
    PLAN_CHANGED: _("修改年度投资计划"),
    PLAN_COMPILED: _("汇总申报生成计划事项"),
    PLAN_ALLOCATED: _("按建议安排B类资金"),
    PLAN_LINE_ADDED: _("新增计划事项"),
    PLAN_LINE_CHANGED: _("修改计划事项"),
    PLAN_LINE_REMOVED: _("删除计划事项"),
    PLAN_SUBMITTED: _("提交年度投资计划"),
    PLAN_COSIGNED: _("财政会签年度投资计划"),
    PLAN_RETURNED: _("退回年度投资计划"),
    PLAN_ISSUED: _("审定下达年度投资计划"),
    PROJECT_PLANNED: _("列入年度投资计划"),
    ADJUSTMENT_APPLIED: _("申请调整年度计划"),
    ADJUSTMENT_REVIEWED: _("发改审核计划调整"),
    ADJUSTMENT_FINANCE_REVIEWED: _("财政审核计划调整"),
    ADJUSTMENT_CONSENTED: _("区政府同意计划调整"),
    ADJUSTMENT_REJECTED: _("计划调整未通过"),
    ADJUSTMENT_WITHDRAWN: _("撤回计划调整申请"),
    ORG_UNIT_CREATED: _("新增单位"),
    ADMIN_OBJECT_CREATED: _("系统管理:新增"),
    ADMIN_OBJECT_CHANGED: _("系统管理:修改"),
    ADMIN_OBJECT_DELETED: _("系统管理:删除"),
    TOKEN_ISSUED: _("签发接口令牌"),
    DEMO_LOADED: _("载入演示数据"),
    POLICY_PROFILE_LOADED: _("载入政策参数版本"),
}

EVENT_TYPE_CHOICES = sorted(EVENT_TYPES.items())
