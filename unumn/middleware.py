"""What every request passes through: parameters made safe, and security headers Django
does not set itself."""

from django.conf import settings

from unumn.text import UNSAFE, clean_text


class CleanParametersMiddleware:
    """The query string's values without control characters and non-characters, for
    every view, the admin's searches and autocompletes included: no view has to
    remember that PostgreSQL refuses a NUL (``?term=%00``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(UNSAFE.search(value) for _, values in request.GET.lists() for value in values):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key, [clean_text(value) for value in cleaned.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: the site needs no camera, microphone, location or payment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
