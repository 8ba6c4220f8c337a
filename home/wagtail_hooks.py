from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.userbar import use_portal_content_checker
from home.viewsets import FooterContactsViewSet

register_snippet(FooterContactsViewSet)
hooks.register("construct_wagtail_userbar", use_portal_content_checker)
