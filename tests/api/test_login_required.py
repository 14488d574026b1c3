"""Nothing is served to an anonymous visitor except an explicit allow-list. The whole URLconf is walked, so a
new page or endpoint is covered the day it is added: a page answers 302 to /login/?next=…, the API 401
(its OpenAPI document too; its docs page sends to the login page)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from itgov.web import middleware

from .conftest import API, UNAUTHENTICATED, valid_project_payload

pytestmark = pytest.mark.django_db

# What may be reached without signing in, and why. It must be exactly what the middleware declares.
PUBLIC_PATHS = {
    "/login/",  # the sign-in page itself
    "/healthz",  # the load balancer's probe
    "/favicon.ico",  # the browser asks for it before sign-in
}
PUBLIC_PREFIXES = (
    "/api/",  # the API authenticates every request itself (401 in JSON), checked below
    "/static/",  # CSS, JS and fonts of the sign-in page
    "/i18n/",  # /i18n/setlang/: the language switch on the sign-in page
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# ninja's root route only exists so paths can be reversed; it raises Http404 for everyone.
API_ROOT = f"{API}/"
INT_SAMPLE, OTHER_SAMPLE = "1", "dummy"


def _sample(name: str, regex: str) -> str:
    """A value for a path parameter: 1 for a number or an id, else a dummy word (or the first choice of a
    fixed list, such as the admin's app labels)."""
    if (name == "id" or name.endswith("_id")) and re.fullmatch(regex, INT_SAMPLE):
        return INT_SAMPLE
    simple_alternatives = re.fullmatch(r"\w+(\|\w+)*", regex)
    candidates = [regex.split("|")[0]] if simple_alternatives else []
    candidates += [INT_SAMPLE] if not re.fullmatch(regex, OTHER_SAMPLE) else []
    candidates += [OTHER_SAMPLE, INT_SAMPLE, "00000000-0000-0000-0000-000000000001"]
    for candidate in candidates:
        if re.fullmatch(regex, candidate):
            return candidate
    raise AssertionError(f"no sample value for path parameter /{regex}/")


def _route_sample(pattern) -> str:
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", lambda m: _sample(m.group(1), m.group(2)),
                      pattern._regex)
        return text.lstrip("^").rstrip("$").replace(r"\Z", "").replace("\\", "")
    converters = pattern.converters
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _sample(m.group(1), converters[m.group(1)].regex),
                  str(pattern))


def all_urls() -> dict[str, str]:
    """{sample path: route} for every URL pattern of the project, each checked to resolve to its own route.
    (The API has one pattern per operation, so GET and POST of a path give one entry.)"""
    out: dict[str, str] = {}

    def walk(resolver, prefix: str, route_prefix: str):
        for pattern in resolver.url_patterns:
            sample = prefix + _route_sample(pattern.pattern)
            route = route_prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, sample, route)
            else:
                assert isinstance(pattern, URLPattern)
                path = "/" + sample
                match = resolve(path)
                assert match.func == pattern.callback or match.route == route, (path, route, match.route)
                out.setdefault(path, route)

    walk(get_resolver(), "", "")
    return out


URLS = all_urls()


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def test_the_allow_list_is_exactly_what_the_middleware_declares():
    assert middleware.PUBLIC_PATHS == PUBLIC_PATHS
    assert tuple(middleware.PUBLIC_PREFIXES) == PUBLIC_PREFIXES
    assert settings.STATIC_URL == "/static/"


def test_the_walk_finds_the_pages_the_api_and_the_admin():
    assert {"/", "/login/", "/healthz", "/projects/", "/projects/1/", "/projects/1/actions/dummy/",
            f"{API}/projects", f"{API}/projects/1/admit", f"{API}/openapi.json", f"{API}/docs", "/sysadmin/",
            "/sysadmin/auth/", "/sysadmin/dummy", "/sysadmin/auth/group/1/change/", "/i18n/setlang/"} <= set(URLS)


PAGES = [p for p in URLS if not _is_public(p)]
API_URLS = [p for p in URLS if p.startswith("/api/") and p not in (API_ROOT, f"{API}/docs")]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_page_sends_anonymous_visitors_to_login(client, path, method):
    response = client.generic(method, path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={quote(path, safe='/')}"


@pytest.mark.parametrize("path", API_URLS)
def test_every_api_url_answers_anonymous_requests_401(path):
    client = Client()
    served = {}
    for method in METHODS:
        response = client.generic(method, path, data="{}", content_type="application/json")
        if response.status_code != 405:
            served[method] = (response.status_code, response.json())

    assert served, f"{path} answers no method"
    assert served == dict.fromkeys(served, (401, UNAUTHENTICATED))


def test_openapi_document_is_not_public(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_api_docs_page_sends_to_login(client):
    response = client.get(f"{API}/docs")

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={API}/docs"


def test_api_root_serves_nothing(client, district):
    client.force_login(district.users["drc"])

    assert Client().get(API_ROOT).status_code == 404
    assert client.get(API_ROOT).status_code == 404


@pytest.mark.parametrize(("path", "status", "location"), [
    ("/login/", 200, None),
    ("/healthz", 200, None),
    ("/i18n/setlang/", 302, "/"),
    ("/favicon.ico", 404, None),
    ("/static/no-such-file.css", 404, None),
])
def test_allow_listed_paths_are_served_without_sign_in(client, path, status, location):
    response = client.get(path)

    assert response.status_code == status
    assert response.get("Location") == location


def test_every_allow_listed_url_of_the_urlconf_is_named_above():
    public_in_urlconf = {p for p in URLS if _is_public(p) and not p.startswith("/api/")}
    assert public_in_urlconf == {"/login/", "/healthz", "/i18n/setlang/"}


@pytest.mark.parametrize(("method", "path"), [("POST", "/projects"), ("PATCH", "/projects/1"),
                                              ("POST", "/projects/1/withdraw")])
def test_unsafe_anonymous_request_from_a_real_client_is_401(district, method, path):
    client = Client(enforce_csrf_checks=True)  # as curl or another system would call: no CSRF bypass

    response = client.generic(method, API + path, data=json.dumps(valid_project_payload()),
                              content_type="application/json")

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
