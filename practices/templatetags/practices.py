from django import template

from practices.permissions import can_contribute, is_editor

register = template.Library()


@register.filter(name="is_practice_editor")
def is_practice_editor(user) -> bool:
    return is_editor(user)


@register.filter(name="can_contribute_practice")
def can_contribute_practice(user) -> bool:
    return can_contribute(user)
