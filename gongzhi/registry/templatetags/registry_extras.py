from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def phone_key(link) -> str:
    """The reveal form's field for one phone link ("phone:12")."""
    return f"phone:{link.pk}"
