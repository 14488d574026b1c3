"""(method, path) of every /api/v1 operation of operation, as the OpenAPI document names it (without the /api/v1
prefix). test_authorization's coverage tests require every served operation to be listed in one of the matrix
modules; the per-role expectations live in test_operation_api.py."""

# Operations on one project's operation (art. 12, 23, 24).
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/operation"),
    "go_live": ("POST", "/projects/{project_id}/go-live"),
    "evaluate": ("POST", "/projects/{project_id}/self-evaluation"),
    "pdf": ("GET", "/projects/{project_id}/self-evaluation.pdf"),
    "arrange": ("POST", "/projects/{project_id}/om-arrangements"),
    "funding": ("POST", "/projects/{project_id}/om-funding"),
    "decide": ("POST", "/projects/{project_id}/om-funding/{request_id}/decision"),
}
# The portfolio of accepted and operating projects.
GLOBAL = {
    "portfolio": ("GET", "/operation/projects"),
}

OPERATIONS: set[tuple[str, str]] = set(PROJECT.values()) | set(GLOBAL.values())
