"""Valid identifiers made up for tests (never real people): check characters computed."""

from gongzhi.registry.identifiers import id_check_character, org_check_character, uscc_check_character


def id_number(region: str = "510107", born: str = "19800101", serial: str = "123") -> str:
    first17 = f"{region}{born}{serial}"
    return first17 + id_check_character(first17)


def uscc(region: str = "510107", org: str = "MA6C0A1B", kind: str = "91") -> str:
    first17 = f"{kind}{region}{org}{org_check_character(org)}"
    return first17 + uscc_check_character(first17)
