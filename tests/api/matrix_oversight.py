"""(method, path) of every /api/v1 operation of oversight, as the OpenAPI document names it (without the /api/v1
prefix). test_authorization's coverage tests require every served operation to be listed in one of the matrix
modules; the per-role expectations live in test_oversight_api.py."""

OPERATIONS: set[tuple[str, str]] = set()
