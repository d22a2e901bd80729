"""How sensitive values look on screen, in API answers and exports unless revealed."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """110***********1234: the region's first three digits and the last four stay."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; landlines keep their area code and last four."""
    digits = value
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits.split("-")[0] if "-" in digits else digits[:3]
    middle = len(digits) - len(head) - 4
    return head + "*" * max(middle, 1) + digits[-4:]


def mask_document(value: str) -> str:
    """Passports and other documents: first and last two characters."""
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_name(value: str) -> str:
    """张*, 欧阳**: how a resident's name shows to the public; the first character stays."""
    return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else value


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "document": mask_document, "name": mask_name}


def mask(value: str, kind: str) -> str:
    return MASKS[kind](value)
