"""(method, path) of every /api/v1 operation of annual plans and adjustments, as the OpenAPI document names it (without the
/api/v1 prefix). test_authorization's coverage tests require every served operation to be listed in one of the
matrix modules; the per-role expectations live in test_annual_plan_api.py, keyed by the names below."""

# Operations that take no plan.
GLOBAL = {
    "plan_list": ("GET", "/annual-plans"),
    "plan_create": ("POST", "/annual-plans"),
}
# Operations on one edition of the annual investment plan.
PLAN = {
    "plan_detail": ("GET", "/annual-plans/{plan_id}"),
    "plan_update": ("PATCH", "/annual-plans/{plan_id}"),
    "compile": ("POST", "/annual-plans/{plan_id}/compile"),
    "submit": ("POST", "/annual-plans/{plan_id}/submit"),
    "cosign": ("POST", "/annual-plans/{plan_id}/cosign"),
    "return": ("POST", "/annual-plans/{plan_id}/return"),
    "issue": ("POST", "/annual-plans/{plan_id}/issue"),
    "line_list": ("GET", "/annual-plans/{plan_id}/lines"),
    "line_add": ("POST", "/annual-plans/{plan_id}/lines"),
    "allocation": ("GET", "/annual-plans/{plan_id}/allocation"),
    "allocate": ("POST", "/annual-plans/{plan_id}/allocation"),
    "diff": ("GET", "/annual-plans/{plan_id}/diff"),
    "adjustment_list": ("GET", "/annual-plans/{plan_id}/adjustments"),
    "adjustment_apply": ("POST", "/annual-plans/{plan_id}/adjustments"),
}
# Operations on one line of an edition.
LINE = {
    "line_detail": ("GET", "/plan-lines/{plan_line_id}"),
    "line_update": ("PATCH", "/plan-lines/{plan_line_id}"),
    "line_delete": ("DELETE", "/plan-lines/{plan_line_id}"),
}
# Operations on one adjustment (art. 10).
ADJUSTMENT = {
    "adjustment_detail": ("GET", "/plan-adjustments/{adjustment_id}"),
    "review": ("POST", "/plan-adjustments/{adjustment_id}/review"),
    "finance_review": ("POST", "/plan-adjustments/{adjustment_id}/finance-review"),
    "consent": ("POST", "/plan-adjustments/{adjustment_id}/consent"),
    "reject": ("POST", "/plan-adjustments/{adjustment_id}/reject"),
    "withdraw": ("POST", "/plan-adjustments/{adjustment_id}/withdraw"),
}
# "Is project P funded in year Y" (art. 8).
PROJECT = {
    "funding": ("GET", "/projects/{project_id}/funding"),
}

OPERATIONS: set[tuple[str, str]] = {op for table in (GLOBAL, PLAN, LINE, ADJUSTMENT, PROJECT) for op in table.values()}
