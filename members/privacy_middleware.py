"""Ask signed-in members to accept a new privacy policy version before they
go on. The accepted version is kept in the session (set at log-in) and the
current version in the cache (set at log-in and whenever a policy is saved), so
a request costs no query; a cache miss skips the check until the next log-in
or policy change. Nothing touches ``request.user`` unless a policy is
published, so pages that never load the member do not start to."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "privacy_consent_version"
POLICY_CACHE_KEY = "privacy:current-policy-version"


class ReconsentMiddleware:
    EXEMPT_PREFIXES = ("/accounts/", "/admin/", "/django-admin/", "/members/privacy/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('members:privacy_consent')}?{query}")
        return self.get_response(request)

    def _needs(self, request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        path = request.path_info
        if path.startswith(
            (settings.STATIC_URL, settings.MEDIA_URL, *self.EXEMPT_PREFIXES)
        ):
            return False
        current = cache.get(POLICY_CACHE_KEY)
        if not current:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        accepted = request.session.get(SESSION_KEY)
        if accepted is None or accepted < current:
            from .privacy_services import consent_accepted_version

            accepted = consent_accepted_version(user)
            request.session[SESSION_KEY] = accepted
        return accepted < current
