from .context import origin, origin_of


class AuditContextMiddleware:
    """Puts the request's address and client where audit.log.record finds them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with origin(origin_of(request)):
            return self.get_response(request)
