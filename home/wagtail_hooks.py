from wagtail.snippets.models import register_snippet

from home.viewsets import FooterContactsViewSet

register_snippet(FooterContactsViewSet)
