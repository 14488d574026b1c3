"""(method, path) of every /api/v1 operation of oversight (art. 25), as the OpenAPI document names it (without the
/api/v1 prefix). test_authorization's coverage tests require every served operation to be listed in one of the matrix
modules; the per-role expectations live in test_oversight_api.py."""

GLOBAL = {
    "case_list": ("GET", "/oversight/cases"),
    "case_open": ("POST", "/oversight/cases"),
    "requests_addressed": ("GET", "/oversight/requests"),
}
CASE = {
    "case_detail": ("GET", "/oversight/cases/{case_id}"),
    "case_add_project": ("POST", "/oversight/cases/{case_id}/projects"),
    "case_close": ("POST", "/oversight/cases/{case_id}/close"),
    "request_send": ("POST", "/oversight/cases/{case_id}/requests"),
}
REQUEST = {
    "request_detail": ("GET", "/oversight/requests/{request_id}"),
    "answer_submit": ("POST", "/oversight/requests/{request_id}/answers"),
}
FILE = {"answer_file": ("GET", "/oversight/answer-files/{file_id}")}
PROJECT = {"dossier": ("GET", "/projects/{project_id}/dossier.zip")}

OPERATIONS: set[tuple[str, str]] = {*GLOBAL.values(), *CASE.values(), *REQUEST.values(), *FILE.values(),
                                    *PROJECT.values()}
