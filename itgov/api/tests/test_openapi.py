import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_builds_and_lists_every_router(client, district):
    client.force_login(district.users["drc"])
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/rules", "/api/v1/projects", "/api/v1/projects/{project_id}/compliance",
            "/api/v1/audit/events"} <= set(doc["paths"])


def test_docs_page_is_served_locally(client, district):
    client.force_login(district.users["drc"])
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
