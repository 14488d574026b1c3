"""(method, path) of every /api/v1 operation of construction control (art. 13, 19, 8, 15, 20), as the OpenAPI
document names it (without the /api/v1 prefix). test_authorization's coverage tests require every served
operation to be listed in one of the matrix modules; the per-role expectations live in test_construction_api.py."""

# Operations on one project's construction.
PROJECT = {
    "dossier": ("GET", "/projects/{project_id}/construction"),
    "start": ("POST", "/projects/{project_id}/construction/start"),
    "procurement_record": ("POST", "/projects/{project_id}/procurements"),
    "contract_record": ("POST", "/projects/{project_id}/contracts"),
    "payment_record": ("POST", "/projects/{project_id}/payments"),
}

OPERATIONS: set[tuple[str, str]] = set(PROJECT.values())
