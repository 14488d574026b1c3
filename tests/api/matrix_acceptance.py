"""(method, path) of every /api/v1 operation of trial operation, acceptance and rectification (art. 22, 23), as the
OpenAPI document names it (without the /api/v1 prefix). test_authorization's coverage tests require every served
operation to be listed in one of the matrix modules; the per-role expectations live in test_acceptance_api.py
(PROJECT) and test_acceptance_review_api.py (REVIEW, GLOBAL)."""

# Operations on one project's trial operation and acceptance application.
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/acceptance"),
    "complete": ("POST", "/projects/{project_id}/trial-operation"),
    "apply": ("POST", "/projects/{project_id}/acceptance/apply"),
}

# The documents, DRC's acceptance, the decision, the rectification, the filing and the assets of one project.
REVIEW = {
    "upload": ("POST", "/projects/{project_id}/acceptance/documents"),
    "download": ("GET", "/projects/{project_id}/acceptance/documents/{document_id}"),
    "reapply": ("POST", "/projects/{project_id}/acceptance/reapply"),
    "refuse": ("POST", "/projects/{project_id}/acceptance/refuse-rectification"),
    "schedule": ("POST", "/projects/{project_id}/acceptance/schedule"),
    "expert_add": ("POST", "/projects/{project_id}/acceptance/experts"),
    "expert_remove": ("DELETE", "/projects/{project_id}/acceptance/experts/{seat_id}"),
    "opinion": ("POST", "/projects/{project_id}/acceptance/experts/{seat_id}/opinion"),
    "decision": ("POST", "/projects/{project_id}/acceptance/decision"),
    "filing": ("POST", "/projects/{project_id}/acceptance/filing"),
    "receipt": ("POST", "/projects/{project_id}/acceptance/filing/receipt"),
    "asset": ("POST", "/projects/{project_id}/assets"),
}

# Across projects: DRC's acceptance calendar and the projects in the acceptance stage.
GLOBAL = {
    "calendar": ("GET", "/acceptance/calendar"),
    "projects": ("GET", "/acceptance/projects"),
}

OPERATIONS: set[tuple[str, str]] = {*PROJECT.values(), *REVIEW.values(), *GLOBAL.values()}
