"""The translation editor's «Отправить на проверку» for those who may edit but not publish."""

from django import template

from home.localize_guard import SUBMIT_FOR_MODERATION, offers_moderation

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_offer(context, instance):
    """The POST field name of the action when the user should see it, else an empty string."""
    request = context.get("request")
    if request is None or not offers_moderation(request, instance):
        return ""
    return SUBMIT_FOR_MODERATION
