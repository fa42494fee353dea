"""Ask signed-in members to accept a new privacy policy version before they
go on. The accepted version is kept in the session (set at log-in) and the
current version in the cache (set at log-in and whenever a policy is saved), so
a request costs no query; a cache miss skips the check until the next log-in
or policy change."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "privacy_consent_version"


class ReconsentMiddleware:
    EXEMPT_PREFIXES = ("/accounts/", "/admin/", "/django-admin/", "/members/privacy/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._needs(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('members:privacy_consent')}?{query}")
        return self.get_response(request)

    def _needs(self, request) -> bool:
        path = request.path_info
        if path.startswith(
            (settings.STATIC_URL, settings.MEDIA_URL, *self.EXEMPT_PREFIXES)
        ):
            return False
        if request.method not in ("GET", "HEAD"):
            return False
        from django.core.cache import cache

        from .privacy_services import POLICY_CACHE_KEY, consent_accepted_version

        current = cache.get(POLICY_CACHE_KEY)
        if not current:
            return False
        accepted = request.session.get(SESSION_KEY)
        if accepted is None or accepted < current:
            accepted = consent_accepted_version(request.user)
            request.session[SESSION_KEY] = accepted
        return accepted < current
