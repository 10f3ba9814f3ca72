from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class SecondFactorMiddleware:
    """Keep a signed-in user who must confirm sign-in with a second factor
    (``policies.second_factor.required_for``) out of the admin and the staff pages until
    they have: to the code page, or to enrolment if they have no app yet. After
    django-otp's OTPMiddleware, which sets ``request.user.is_verified()``."""

    OPEN_VIEWS = frozenset(
        {
            "admin:login",
            "admin:logout",
            "admin:second_factor_verify",
            "admin:second_factor_enrol",
            "admin:second_factor_qr",
        }
    )
    GUARDED_NAMESPACES = frozenset({"admin", "staff"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse

        from policies import second_factor

        match = request.resolver_match
        if (
            not self.GUARDED_NAMESPACES & set(match.namespaces)
            or match.view_name in self.OPEN_VIEWS
        ):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not second_factor.required_for(user):
            return None
        if second_factor.app_device(user) is None:
            target = "admin:second_factor_enrol"
        else:
            target = "admin:second_factor_verify"
        return redirect_to_login(request.get_full_path(), reverse(target))
