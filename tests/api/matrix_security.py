"""(method, path) of every /api/v1 operation of the systems' security (art. 30), as the OpenAPI document names it
(without the /api/v1 prefix). test_authorization's coverage tests require every served operation to be listed in one
of the matrix modules; the per-role expectations live in test_security_api.py."""

GLOBAL = {"board": ("GET", "/security/board")}
SYSTEM = {
    "dossier": ("GET", "/systems/{system_id}/security"),
    "filing": ("PUT", "/systems/{system_id}/filing"),
    "assessment": ("POST", "/systems/{system_id}/assessments"),
    "finding": ("POST", "/systems/{system_id}/findings"),
}
FINDING = {"remediate": ("POST", "/security/findings/{finding_id}/remediate")}

OPERATIONS: set[tuple[str, str]] = {*GLOBAL.values(), *SYSTEM.values(), *FINDING.values()}
