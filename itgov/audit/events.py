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
    ORG_UNIT_CREATED: _("新增单位"),
    ADMIN_OBJECT_CREATED: _("系统管理:新增"),
    ADMIN_OBJECT_CHANGED: _("系统管理:修改"),
    ADMIN_OBJECT_DELETED: _("系统管理:删除"),
    TOKEN_ISSUED: _("签发接口令牌"),
    DEMO_LOADED: _("载入演示数据"),
    POLICY_PROFILE_LOADED: _("载入政策参数版本"),
}

EVENT_TYPE_CHOICES = sorted(EVENT_TYPES.items())
