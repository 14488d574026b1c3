"""(method, path) of every /api/v1 operation of documents (Excel, PDF, import), as the OpenAPI document names it (without the
/api/v1 prefix). test_authorization's coverage tests require every served operation to be listed in one of the
matrix modules; the per-role expectations live in this module's own test file."""

OPERATIONS: set[tuple[str, str]] = {
    ("GET", "/annual-plans/{plan_id}/export.xlsx"),
    ("GET", "/annual-plans/{plan_id}/export.pdf"),
    ("GET", "/declaration-rounds/{round_id}/template.xlsx"),
    ("POST", "/declaration-rounds/{round_id}/import"),
}
