"""Every page requires a signed-in user, except an explicit allow-list (tested by walking the URLconf).

The API (/api/v1/…) authenticates itself (session or bearer token) and answers 401 in JSON."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

PUBLIC_PREFIXES = ("/api/", "/static/", "/i18n/")
PUBLIC_PATHS = {"/login/", "/favicon.ico", "/healthz"}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES) or path.startswith(settings.STATIC_URL)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not is_public(request.path):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
