"""Security headers Django's SecurityMiddleware does not send: the CSP of each area, Permissions-Policy.

The policies themselves are settings (site_glazov/settings/base.py); docs/security.md explains them.
"""

import hashlib
import json
import re
from base64 import b64encode

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under ADMIN_CSP_PREFIX.

    A view that sets its own policy with django-csp's decorators keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_request(request):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def is_admin_request(request):
    return request.path_info.startswith(settings.ADMIN_CSP_PREFIX)


# Wagtail 8 still starts some admin widgets with an inline <script>: choosers, date pickers, inline
# panels; wagtail-localize adds two of its own. Each shape is a call of a known initialiser whose
# arguments must parse as JSON, i.e. plain data: an injected script matches none of them.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_JSON_OBJECT = r"\{.*\}"
WAGTAIL_INLINE_SCRIPT_SHAPES = [
    # wagtail.admin.widgets.BaseChooser.render_js_init and its subclasses
    re.compile(rf"new (?:Page|Image|Document|Snippet)?Chooser\(({_JSON_STRING}), ({_JSON_OBJECT})\);", re.S),
    # wagtailadmin/widgets/{date,datetime,time}_input.html
    re.compile(rf"init(?:Date|DateTime|Time)Chooser\(({_JSON_STRING}), ({_JSON_OBJECT})\);", re.S),
    # wagtail.admin.widgets.workflows.AdminTaskChooser
    re.compile(rf"createTaskChooser\(({_JSON_STRING})\);"),
    # wagtailadmin/panels/{inline,multiple_chooser}_panel.html
    re.compile(
        rf"\(function\(\) \{{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)"
        rf"\(JSON\.parse\(({_JSON_STRING})\)\);\s*\}}\)\(\);",
        re.S,
    ),
    # wagtail_localize/admin/edit_translation.html: the choosers' addresses for the translation editor
    re.compile(
        r'if \(typeof window\.chooserUrls === "undefined"\) \{\s*window\.chooserUrls = \{\s*'
        rf"imageChooser: ({_JSON_STRING}),\s*documentChooser: ({_JSON_STRING}),\s*"
        rf"pageChooser: ({_JSON_STRING}),\s*\}}\s*\}}",
        re.S,
    ),
]
# Constant inline scripts, by the SHA-256 of their exact text (tests/test_security_headers.py checks them).
WAGTAIL_INLINE_SCRIPT_DIGESTS = {
    # wagtail_localize/admin/submit_translation.html: «select all languages»
    "Zi6020hVNJQUtMOgLuIImaOaART6TyIrghPC9PESpjg=",
}
_INLINE_SCRIPT = re.compile(rb'<script(?: type="text/javascript")?>(.*?)</script>', re.S)


def is_wagtail_inline_script(text):
    """Whether an inline script's text is one Wagtail's admin writes itself (see the shapes above)."""
    body = text.strip()
    if "<!--" in body or "<script" in body.lower():
        return False  # the HTML parser could then end the element elsewhere than the text checked here
    for shape in WAGTAIL_INLINE_SCRIPT_SHAPES:
        match = shape.fullmatch(body)
        if match:
            try:
                for argument in match.groups():
                    json.loads(argument)
            except ValueError:
                return False
            return True
    digest = b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return digest in WAGTAIL_INLINE_SCRIPT_DIGESTS


class AdminInlineScriptNonceMiddleware:
    """Give the request's CSP nonce to the admin's own inline scripts (is_wagtail_inline_script) alone.

    Sits below ContentSecurityPolicyMiddleware, so the nonce it uses goes into that request's header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_admin_request(request)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script" in response.content
        ):
            charset = response.charset

            def add_nonce(match):
                if not is_wagtail_inline_script(match.group(1).decode(charset)):
                    return match.group(0)
                return match.group(0).replace(b"<script", f'<script nonce="{request.csp_nonce}"'.encode(), 1)

            content = _INLINE_SCRIPT.sub(add_nonce, response.content)
            if content != response.content:
                response.content = content
                if response.has_header("Content-Length"):  # set by CommonMiddleware for the old content
                    response["Content-Length"] = str(len(content))
        return response


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy: the browser features the portal never uses are switched off on every page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowlist)})" for feature, allowlist in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
