"""The admin speaks Russian unless a member of staff chose another language in their account.

Django's LocaleMiddleware picks the language of paths outside the language prefixes from the
browser's Accept-Language, and Wagtail's admin uses it for a user with no preferred language:
an editor whose browser is set to English found the admin, the guides' screenshots and the
names of the buttons in `docs/` all different. The portal's staff work in Russian, so the admin
starts in Russian (settings.LANGUAGE_CODE); «Аккаунт → Локализация → Предпочтительный язык»
still switches it per user, as Wagtail's own preference does.
"""

from django.conf import settings
from django.utils import translation

ADMIN_PREFIX = "/admin/"


class AdminLanguageMiddleware:
    """Activate the site's language for the admin, in place of the browser's (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(ADMIN_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
