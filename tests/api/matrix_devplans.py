"""(method, path) of every /api/v1 operation of development plans and the reserve library, as the OpenAPI document names it (without the
/api/v1 prefix). test_authorization's coverage tests require every served operation to be listed in one of the
matrix modules; the per-role expectations live in this module's own test file."""

OPERATIONS: set[tuple[str, str]] = {
    ("GET", "/development-plans"),
    ("POST", "/development-plans"),
    ("GET", "/development-plans/{plan_id}"),
    ("PATCH", "/development-plans/{plan_id}"),
    ("POST", "/development-plans/{plan_id}/publish"),
    ("POST", "/development-plans/{plan_id}/revise"),
    ("POST", "/development-plans/{plan_id}/tasks"),
    ("GET", "/development-plans/{plan_id}/coverage"),
    ("PATCH", "/plan-tasks/{task_id}"),
    ("DELETE", "/plan-tasks/{task_id}"),
    ("GET", "/reserve"),
}
