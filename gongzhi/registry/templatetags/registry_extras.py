from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def phone_key(link) -> str:
    """The reveal form's field for one phone link ("phone:12")."""
    return f"phone:{link.pk}"


@register.filter
def change(values) -> str:
    """A history entry's value: "old → new" for a change, the value itself for a creation."""
    if isinstance(values, list) and len(values) == 2:
        old, new = values
        return f"{'' if old is None else old} → {'' if new is None else new}"
    return "" if values is None else str(values)
