"""(method, path) of every /api/v1 operation of the information systems, the catalogue and sharing (art. 27–29, with
art. 3, 5 and 18), as the OpenAPI document names it (without the /api/v1 prefix). test_authorization's coverage tests
require every served operation to be listed in one of the matrix modules; the per-role expectations live in
test_catalogue_api.py."""

GLOBAL = {
    "system_list": ("GET", "/systems"),
    "system_register": ("POST", "/systems"),
    "resource_list": ("GET", "/catalogue/resources"),
    "resource_register": ("POST", "/catalogue/resources"),
    "completeness": ("GET", "/catalogue/completeness"),
    "export_xlsx": ("GET", "/catalogue/export.xlsx"),
    "export_json": ("GET", "/catalogue/export.json"),
    "request_list": ("GET", "/sharing/requests"),
    "request_create": ("POST", "/sharing/requests"),
}
SYSTEM = {
    "system_detail": ("GET", "/systems/{system_id}"),
    "system_update": ("PATCH", "/systems/{system_id}"),
    "system_similar": ("GET", "/systems/{system_id}/similar"),
}
RESOURCE = {
    "resource_detail": ("GET", "/catalogue/resources/{resource_id}"),
    "resource_update": ("PUT", "/catalogue/resources/{resource_id}"),
    "resource_publish": ("POST", "/catalogue/resources/{resource_id}/publish"),
    "interface_register": ("POST", "/catalogue/resources/{resource_id}/interfaces"),
}
INTERFACE = {"interface_retire": ("POST", "/catalogue/interfaces/{interface_id}/retire")}
REQUEST = {
    "request_detail": ("GET", "/sharing/requests/{sharing_request_id}"),
    "request_grant": ("POST", "/sharing/requests/{sharing_request_id}/grant"),
    "request_refuse": ("POST", "/sharing/requests/{sharing_request_id}/refuse"),
    "request_withdraw": ("POST", "/sharing/requests/{sharing_request_id}/withdraw"),
    "request_use": ("POST", "/sharing/requests/{sharing_request_id}/uses"),
}

OPERATIONS: set[tuple[str, str]] = {*GLOBAL.values(), *SYSTEM.values(), *RESOURCE.values(), *INTERFACE.values(),
                                    *REQUEST.values()}
