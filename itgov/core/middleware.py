from . import context


class RequestContextMiddleware:
    """Puts the client's IP and the channel (web or api) where the audit trail can read them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with context.using(context.RequestContext(ip=context.client_ip(request), channel=channel)):
            return self.get_response(request)
