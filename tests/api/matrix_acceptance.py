"""(method, path) of every /api/v1 operation of trial operation and the acceptance application (art. 22), as the
OpenAPI document names it (without the /api/v1 prefix). test_authorization's coverage tests require every served
operation to be listed in one of the matrix modules; the per-role expectations live in test_acceptance_api.py."""

# Operations on one project's trial operation and acceptance application.
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/acceptance"),
    "complete": ("POST", "/projects/{project_id}/trial-operation"),
    "apply": ("POST", "/projects/{project_id}/acceptance/apply"),
}

OPERATIONS: set[tuple[str, str]] = set(PROJECT.values())
