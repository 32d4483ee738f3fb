"""Responses that carry personal data are never stored by browsers or proxies (DESIGN §13):
every answer to a logged-in user, and every API answer (whose user DRF sets during the
view), gets `Cache-Control: no-store`. Static files and the anonymous login page stay
cacheable."""

from django.utils.cache import patch_cache_control


class NoStoreForUsersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
            response.headers.pop("Expires", None)
        return response
