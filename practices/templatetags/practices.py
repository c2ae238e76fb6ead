from django import template

from practices.permissions import is_editor

register = template.Library()


@register.filter(name="is_practice_editor")
def is_practice_editor(user) -> bool:
    return is_editor(user)
