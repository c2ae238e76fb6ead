from django import template

from ensie_portal.accounts import roles

register = template.Library()


@register.filter(name="is_practice_editor")
def is_practice_editor(user) -> bool:
    return roles.is_editor_or_staff(user)


@register.filter(name="can_contribute_practice")
def can_contribute_practice(user) -> bool:
    return roles.may_contribute_practices(user)
