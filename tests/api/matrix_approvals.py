"""(method, path) of every /api/v1 operation of the initiation approval (art. 13–17, 23, 28), as the OpenAPI
document names it (without the /api/v1 prefix). test_authorization's coverage tests require every served
operation to be listed in one of the matrix modules; the per-role expectations live in test_approval_api.py,
keyed by the names below."""

# Operations on one project's approval.
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/approval"),
    "application_save": ("PATCH", "/projects/{project_id}/application"),
    "document_upload": ("POST", "/projects/{project_id}/application/documents"),
    "project_code": ("POST", "/projects/{project_id}/project-code"),
    "participant_add": ("POST", "/projects/{project_id}/participants"),
    "submit": ("POST", "/projects/{project_id}/initiation/submit"),
    "start_review": ("POST", "/projects/{project_id}/initiation/start-review"),
    "return": ("POST", "/projects/{project_id}/initiation/return"),
    "reject": ("POST", "/projects/{project_id}/initiation/reject"),
    "approve": ("POST", "/projects/{project_id}/initiation/approve"),
    "review_update": ("PATCH", "/projects/{project_id}/initiation/review"),
    "panel_add": ("POST", "/projects/{project_id}/initiation/panel"),
    "baseline_list": ("GET", "/projects/{project_id}/baselines"),
    "budget_list": ("GET", "/projects/{project_id}/budgets"),
    "budget_record": ("POST", "/projects/{project_id}/budgets"),
}
# Operations on one object of a project's approval (a document, a participant, a panel seat, a baseline).
OBJECT = {
    "document_download": ("GET", "/projects/{project_id}/application/documents/{document_id}"),
    "participant_remove": ("DELETE", "/projects/{project_id}/participants/{participant_id}"),
    "participant_confirm": ("POST", "/projects/{project_id}/participants/{participant_id}/confirm"),
    "panel_remove": ("DELETE", "/projects/{project_id}/initiation/panel/{member_id}"),
    "opinion": ("POST", "/projects/{project_id}/initiation/panel/{member_id}/opinion"),
    "baseline_detail": ("GET", "/projects/{project_id}/baselines/{version}"),
    "letter": ("GET", "/projects/{project_id}/baselines/{version}/letter.pdf"),
}
# Operations that take no project (or name it in the query).
GLOBAL = {
    "expert_reviews": ("GET", "/expert-reviews"),
    "expert_pool": ("GET", "/experts"),
    "suspension_list": ("GET", "/unit-suspensions"),
    "suspension_create": ("POST", "/unit-suspensions"),
    "codes_export": ("GET", "/project-codes/export.xlsx"),
    "codes_import": ("POST", "/project-codes/import"),
}
# Operations on one suspension (art. 23).
SUSPENSION = {
    "suspension_lift": ("POST", "/unit-suspensions/{suspension_id}/lift"),
}

OPERATIONS: set[tuple[str, str]] = {op for table in (PROJECT, OBJECT, GLOBAL, SUSPENSION) for op in table.values()}
