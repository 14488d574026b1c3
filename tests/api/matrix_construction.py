"""(method, path) of every /api/v1 operation of construction control (art. 11, 13, 19, 8, 15, 20, 21), as the
OpenAPI document names it (without the /api/v1 prefix). test_authorization's coverage tests require every served
operation to be listed in one of the matrix modules; the per-role expectations live in test_construction_api.py
(the spending and its records) and test_construction_control_api.py (the control: supervision, monitoring,
changes, incidents, rectification, suspension, the portfolio and the supervision pool)."""

# Operations on one project's construction: its spending and records.
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/construction"),
    "start": ("POST", "/projects/{project_id}/construction/start"),
    "procurement_record": ("POST", "/projects/{project_id}/procurements"),
    "contract_record": ("POST", "/projects/{project_id}/contracts"),
    "payment_record": ("POST", "/projects/{project_id}/payments"),
}
# Operations of one project's construction control.
CONTROL = {
    "control": ("GET", "/projects/{project_id}/construction/control"),
    "supervision_appoint": ("POST", "/projects/{project_id}/supervision"),
    "supervision_report": ("POST", "/projects/{project_id}/supervision-reports"),
    "monitoring_report": ("POST", "/projects/{project_id}/monitoring-reports"),
    "risk_assessment": ("POST", "/projects/{project_id}/risk-assessments"),
    "change_submit": ("POST", "/projects/{project_id}/changes"),
    "incident_report": ("POST", "/projects/{project_id}/incidents"),
    "rectification_order": ("POST", "/projects/{project_id}/rectifications"),
    "suspend": ("POST", "/projects/{project_id}/construction/suspend"),
    "resume": ("POST", "/projects/{project_id}/construction/resume"),
}
# Operations on one object of a project's construction control (a milestone, a change, an incident, an order).
OBJECT = {
    "milestone_actual": ("POST", "/projects/{project_id}/milestones/{milestone_id}/actual"),
    "change_decide": ("POST", "/projects/{project_id}/changes/{change_id}/decision"),
    "incident_dismiss": ("POST", "/projects/{project_id}/incidents/{incident_id}/dismissal"),
    "rectification_respond": ("POST", "/projects/{project_id}/rectifications/{order_id}/response"),
    "rectification_review": ("POST", "/projects/{project_id}/rectifications/{order_id}/review"),
}
# Operations that take no project: the portfolio and the yearly supervision pool (art. 19).
GLOBAL = {
    "portfolio": ("GET", "/construction/projects"),
    "pool_list": ("GET", "/supervision-pool"),
    "pool_add": ("POST", "/supervision-pool"),
    "pool_remove": ("DELETE", "/supervision-pool/{entry_id}"),
}

OPERATIONS: set[tuple[str, str]] = {op for table in (PROJECT, CONTROL, OBJECT, GLOBAL) for op in table.values()}
