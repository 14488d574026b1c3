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

APPLICATION_SAVED = "approval.application.saved"
APPLICATION_DOCUMENT_UPLOADED = "approval.document.uploaded"
PROJECT_CODE_RECORDED = "approval.project_code.recorded"
PROJECT_CODES_IMPORTED = "approval.project_codes.imported"
PARTICIPANT_ADDED = "approval.participant.added"
PARTICIPANT_REMOVED = "approval.participant.removed"
PARTICIPANT_CONFIRMED = "approval.participant.confirmed"
INITIATION_SUBMITTED = "approval.submitted"
INITIATION_REVIEW_STARTED = "approval.review.started"
INITIATION_REVIEW_CHANGED = "approval.review.changed"
PANEL_MEMBER_ADDED = "approval.panel.added"
PANEL_MEMBER_REMOVED = "approval.panel.removed"
EXPERT_OPINION_RECORDED = "approval.panel.opinion"
INITIATION_RETURNED = "approval.returned"
INITIATION_REJECTED = "approval.rejected"
INITIATION_APPROVED = "approval.approved"
BASELINE_FIXED = "approval.baseline.fixed"
APPROVAL_LETTER_GENERATED = "approval.letter.generated"
BUDGET_RECORDED = "approval.budget.recorded"
BUDGET_REVISION_CREATED = "approval.budget.revision"
CONSTRUCTION_STARTED = "construction.started"
PROCUREMENT_RECORDED = "construction.procurement.recorded"
CONTRACT_RECORDED = "construction.contract.recorded"
PAYMENT_RECORDED = "construction.payment.recorded"
SUPERVISION_POOL_ADDED = "construction.pool.added"
SUPERVISION_POOL_REMOVED = "construction.pool.removed"
SUPERVISOR_APPOINTED = "construction.supervisor.appointed"
SUPERVISION_REPORT_FILED = "construction.supervision.reported"
MONITORING_REPORTED = "construction.monitoring.reported"
MILESTONE_RECORDED = "construction.milestone.recorded"
RISK_ASSESSED = "construction.risk.assessed"
CHANGE_SUBMITTED = "construction.change.submitted"
CHANGE_DECIDED = "construction.change.decided"
CHANGE_REAPPROVAL = "construction.change.reapproval"
INCIDENT_REPORTED = "construction.incident.reported"
INCIDENT_PROPOSED = "construction.incident.proposed"
INCIDENT_DISMISSED = "construction.incident.dismissed"
RECTIFICATION_ORDERED = "construction.rectification.ordered"
RECTIFICATION_RESPONDED = "construction.rectification.responded"
RECTIFICATION_REVIEWED = "construction.rectification.reviewed"
CONSTRUCTION_SUSPENDED = "construction.suspended"
CONSTRUCTION_RESUMED = "construction.resumed"
TRIAL_OPERATION_STARTED = "acceptance.trial_started"
ACCEPTANCE_APPLIED = "acceptance.applied"
ACCEPTANCE_APPLICATION_FILED = "acceptance.application.filed"
ACCEPTANCE_DOCUMENT_UPLOADED = "acceptance.document.uploaded"
ACCEPTANCE_SCHEDULED = "acceptance.scheduled"
ACCEPTANCE_EXPERT_ADDED = "acceptance.expert.added"
ACCEPTANCE_EXPERT_REMOVED = "acceptance.expert.removed"
ACCEPTANCE_EXPERT_OPINION = "acceptance.expert.opinion"
ACCEPTANCE_PASSED = "acceptance.passed"
ACCEPTANCE_FAILED = "acceptance.failed"
ACCEPTANCE_REAPPLIED = "acceptance.reapplied"
ACCEPTANCE_RECTIFICATION_REFUSED = "acceptance.rectification.refused"
ACCEPTANCE_RECTIFICATION_OVERDUE = "acceptance.rectification.overdue"
ACCEPTANCE_FILED = "acceptance.filed"
ACCEPTANCE_FILING_RECEIVED = "acceptance.filing.received"
ASSET_REGISTERED = "acceptance.asset.registered"

OPERATION_STARTED = "operation.started"
SELF_EVALUATION_SUBMITTED = "operation.self_evaluation.submitted"
OM_ARRANGEMENT_RECORDED = "operation.om.arranged"
OM_FUNDING_REQUESTED = "operation.om_funding.requested"
OM_FUNDING_DECIDED = "operation.om_funding.decided"

AUDIT_CASE_OPENED = "oversight.case.opened"
AUDIT_CASE_PROJECT_ADDED = "oversight.case.project_added"
AUDIT_CASE_CLOSED = "oversight.case.closed"
AUDIT_REQUEST_SENT = "oversight.request.sent"
AUDIT_ANSWER_SUBMITTED = "oversight.answer.submitted"
DOSSIER_EXPORTED = "oversight.dossier.exported"
UNIT_SUSPENDED = "approval.unit.suspended"
UNIT_SUSPENSION_LIFTED = "approval.unit.suspension_lifted"
ORG_UNIT_CREATED = "org.unit.created"
ADMIN_OBJECT_CREATED = "admin.object.created"
ADMIN_OBJECT_CHANGED = "admin.object.changed"
ADMIN_OBJECT_DELETED = "admin.object.deleted"
TOKEN_ISSUED = "token.issued"  # noqa: S105  (an event name)
DEMO_LOADED = "system.demo_loaded"
POLICY_PROFILE_LOADED = "policy.profile.loaded"

SYSTEM_REGISTERED = "catalogue.system.registered"
SYSTEM_CHANGED = "catalogue.system.changed"
RESOURCE_REGISTERED = "catalogue.resource.registered"
RESOURCE_CHANGED = "catalogue.resource.changed"
RESOURCE_PUBLISHED = "catalogue.resource.published"
INTERFACE_REGISTERED = "catalogue.interface.registered"
INTERFACE_RETIRED = "catalogue.interface.retired"
CATALOGUE_EXPORTED = "catalogue.exported"
SHARING_REQUESTED = "sharing.requested"
SHARING_GRANTED = "sharing.granted"
SHARING_REFUSED = "sharing.refused"
SHARING_WITHDRAWN = "sharing.withdrawn"
SHARING_USE_RECORDED = "sharing.use_recorded"
SECURITY_FILING_RECORDED = "security.filing.recorded"
SECURITY_ASSESSMENT_RECORDED = "security.assessment.recorded"
SECURITY_FINDING_RAISED = "security.finding.raised"
SECURITY_FINDING_REMEDIATED = "security.finding.remediated"

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
    APPLICATION_SAVED: _("保存立项申请"),
    APPLICATION_DOCUMENT_UPLOADED: _("上传立项申请材料"),
    PROJECT_CODE_RECORDED: _("登记项目代码"),
    PROJECT_CODES_IMPORTED: _("导入项目代码"),
    PARTICIPANT_ADDED: _("添加参建单位"),
    PARTICIPANT_REMOVED: _("移除参建单位"),
    PARTICIPANT_CONFIRMED: _("参建单位确认联合申请"),
    INITIATION_SUBMITTED: _("提交立项申请"),
    INITIATION_REVIEW_STARTED: _("受理立项申请"),
    INITIATION_REVIEW_CHANGED: _("填写立项审查意见"),
    PANEL_MEMBER_ADDED: _("选派评审专家"),
    PANEL_MEMBER_REMOVED: _("撤换评审专家"),
    EXPERT_OPINION_RECORDED: _("专家提交评审意见"),
    INITIATION_RETURNED: _("退回立项申请"),
    INITIATION_REJECTED: _("不予批复立项"),
    INITIATION_APPROVED: _("批复立项"),
    BASELINE_FIXED: _("核定立项基线"),
    APPROVAL_LETTER_GENERATED: _("生成立项批复文件"),
    BUDGET_RECORDED: _("编列项目预算"),
    BUDGET_REVISION_CREATED: _("生成预算版本"),
    CONSTRUCTION_STARTED: _("项目开工"),
    PROCUREMENT_RECORDED: _("登记采购"),
    CONTRACT_RECORDED: _("登记合同"),
    PAYMENT_RECORDED: _("登记支付"),
    SUPERVISION_POOL_ADDED: _("确定年度监理单位"),
    SUPERVISION_POOL_REMOVED: _("移出年度监理单位"),
    SUPERVISOR_APPOINTED: _("委托项目监理"),
    SUPERVISION_REPORT_FILED: _("报送监理报告"),
    MONITORING_REPORTED: _("报送绩效监控报告"),
    MILESTONE_RECORDED: _("登记里程碑完成"),
    RISK_ASSESSED: _("项目风险评估"),
    CHANGE_SUBMITTED: _("提交变更申请"),
    CHANGE_DECIDED: _("审批变更申请"),
    CHANGE_REAPPROVAL: _("变更转重新立项"),
    INCIDENT_REPORTED: _("报告重大问题"),
    INCIDENT_PROPOSED: _("系统预警重大问题"),
    INCIDENT_DISMISSED: _("重大问题不予立案"),
    RECTIFICATION_ORDERED: _("下达整改通知"),
    RECTIFICATION_RESPONDED: _("报送整改情况"),
    RECTIFICATION_REVIEWED: _("审核整改情况"),
    CONSTRUCTION_SUSPENDED: _("暂停项目建设"),
    CONSTRUCTION_RESUMED: _("恢复项目建设"),
    TRIAL_OPERATION_STARTED: _("完成建设,开始试运行"),
    ACCEPTANCE_APPLIED: _("申请竣工验收"),
    ACCEPTANCE_APPLICATION_FILED: _("提交竣工验收申请"),
    ACCEPTANCE_DOCUMENT_UPLOADED: _("上传竣工验收材料"),
    ACCEPTANCE_SCHEDULED: _("安排竣工验收"),
    ACCEPTANCE_EXPERT_ADDED: _("选派验收专家"),
    ACCEPTANCE_EXPERT_REMOVED: _("撤换验收专家"),
    ACCEPTANCE_EXPERT_OPINION: _("验收专家提交意见"),
    ACCEPTANCE_PASSED: _("竣工验收通过"),
    ACCEPTANCE_FAILED: _("竣工验收未通过"),
    ACCEPTANCE_REAPPLIED: _("整改后重新申请验收"),
    ACCEPTANCE_RECTIFICATION_REFUSED: _("拒不整改"),
    ACCEPTANCE_RECTIFICATION_OVERDUE: _("验收整改逾期"),
    ACCEPTANCE_FILED: _("验收结果报财政局备案"),
    ACCEPTANCE_FILING_RECEIVED: _("财政局确认验收备案"),
    ASSET_REGISTERED: _("登记项目资产"),
    OPERATION_STARTED: _("投入正式运行"),
    SELF_EVALUATION_SUBMITTED: _("报送绩效自评价报告"),
    OM_ARRANGEMENT_RECORDED: _("登记运行维护安排"),
    OM_FUNDING_REQUESTED: _("申请运行维护经费"),
    OM_FUNDING_DECIDED: _("审核运行维护经费"),
    AUDIT_CASE_OPENED: _("审计立项"),
    AUDIT_CASE_PROJECT_ADDED: _("审计增列项目"),
    AUDIT_CASE_CLOSED: _("审计结案"),
    AUDIT_REQUEST_SENT: _("发出审计调阅要求"),
    AUDIT_ANSWER_SUBMITTED: _("报送审计资料"),
    SYSTEM_REGISTERED: _("登记信息系统"),
    SYSTEM_CHANGED: _("修改信息系统"),
    RESOURCE_REGISTERED: _("登记数据资源"),
    RESOURCE_CHANGED: _("修改数据资源"),
    RESOURCE_PUBLISHED: _("发布数据资源"),
    INTERFACE_REGISTERED: _("登记共享接口"),
    INTERFACE_RETIRED: _("停用共享接口"),
    CATALOGUE_EXPORTED: _("导出数据资源目录"),
    SHARING_REQUESTED: _("申请共享数据"),
    SHARING_GRANTED: _("同意共享申请"),
    SHARING_REFUSED: _("不同意共享申请"),
    SHARING_WITHDRAWN: _("撤回共享申请"),
    SHARING_USE_RECORDED: _("登记共享使用"),
    SECURITY_FILING_RECORDED: _("登记等级保护定级备案"),
    SECURITY_ASSESSMENT_RECORDED: _("登记安全测评"),
    SECURITY_FINDING_RAISED: _("提出安全整改问题"),
    SECURITY_FINDING_REMEDIATED: _("登记安全问题整改"),
    DOSSIER_EXPORTED: _("导出项目档案"),
    UNIT_SUSPENDED: _("暂缓单位项目审批"),
    UNIT_SUSPENSION_LIFTED: _("恢复单位项目审批"),
    ORG_UNIT_CREATED: _("新增单位"),
    ADMIN_OBJECT_CREATED: _("系统管理:新增"),
    ADMIN_OBJECT_CHANGED: _("系统管理:修改"),
    ADMIN_OBJECT_DELETED: _("系统管理:删除"),
    TOKEN_ISSUED: _("签发接口令牌"),
    DEMO_LOADED: _("载入演示数据"),
    POLICY_PROFILE_LOADED: _("载入政策参数版本"),
}

EVENT_TYPE_CHOICES = sorted(EVENT_TYPES.items())
