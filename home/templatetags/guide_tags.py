"""The staff guides for the signed-in user, for the admin's templates (home/guides.py)."""

from django import template

from home.guides import guides_for

register = template.Library()


@register.simple_tag
def staff_guides(user):
    return guides_for(user)
