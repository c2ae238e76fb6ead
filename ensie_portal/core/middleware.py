class ContentSecurityPolicyMiddleware:
    """Only this origin may serve scripts, styles, fonts and images: no third-party requests."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )
    # The Django admin sets a few inline styles.
    ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        policy = self.ADMIN_POLICY if match and match.app_name == "admin" else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
