"""Session auth (browser, CSRF-checked) and bearer tokens (systems)."""

from ninja.security import HttpBearer, SessionAuth

from itgov.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    openapi_description = "manage.py issue_token <username>"

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The browser's session, CSRF-checked — but only when there is a signed-in session, so a system that
    sends no (or a bad) token is told 401, not a CSRF failure."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


AUTH = [BearerToken(), BrowserSession()]


def docs_login_required(view):
    """The OpenAPI document and the docs page need a signed-in session or a bearer token too."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.http import JsonResponse

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and api_token_authenticate(header[7:].strip()):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"error": {"code": "unauthenticated", "message": "请先登录或提供有效的令牌"}},
                                status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped
