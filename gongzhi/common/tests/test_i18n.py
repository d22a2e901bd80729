"""Chinese is the source language; English comes from gongzhi/locale/en. Every entry is translated,
the compiled catalogue matches the .po, and the switch works in code and over HTTP."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from gongzhi.accounts.roles import Role
from gongzhi.areas import codes
from gongzhi.areas.models import Level

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgctxt", "msgid", "msgstr", "flags"}; a plural entry also has
    "msgid_plural" and its forms as "msgstr[0]", "msgstr[1]" (msgstr is then the singular)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"msgctxt": None, "msgid": "", "msgstr": "", "flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                key, _, rest = line.partition(" ")
                entry[key] = ast.literal_eval(rest)
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if "msgstr[0]" in entry:
            entry["msgstr"] = entry["msgstr[0]"]
        entries.append(entry)
    return entries


def messages() -> list[dict]:
    return [e for e in read_po(PO) if e["msgid"]]


def test_every_entry_is_translated_and_not_fuzzy():
    entries = read_po(PO)
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    body = entries[1:]
    assert len(body) > 100
    untranslated = [e["msgid"] for e in body if not e["msgstr"] or ("msgid_plural" in e and not e["msgstr[1]"])]
    fuzzy = [e["msgid"] for e in body if "fuzzy" in e["flags"]]
    still_chinese = [e["msgid"] for e in body if CJK.search(e["msgstr"])]
    assert untranslated == []
    assert fuzzy == []
    assert still_chinese == []


def test_translations_keep_their_placeholders():
    for e in messages():
        source, english = e["msgid"], e["msgstr"]
        if "python-format" in e["flags"] or "%(" in source:
            assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(source)), source
            assert english.count("%%") == source.count("%%"), source


def test_compiled_catalogue_matches_the_po_file():
    """django.mo is what Django reads: recompile it (msgfmt) whenever the .po changes."""
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    # A message with a context is stored under "context\x04msgid".
    expected = {}
    for e in messages():
        key = (f"{e['msgctxt']}\x04" if e["msgctxt"] else "") + e["msgid"]
        if "msgid_plural" in e:  # gettext keeps each plural form under (msgid, index)
            expected.update({(key, i): e[f"msgstr[{i}]"] for i in range(2)})
        else:
            expected[key] = e["msgstr"]
    assert {k: v for k, v in compiled.items() if k} == expected


def test_code_strings_follow_the_active_language():
    with translation.override("en"):
        assert str(Level.GRID.label) == "Grid"
        assert str(Level.SUBDISTRICT.label) == "Subdistrict (township)"
        assert str(Role.GRID_WORKER.label) == "Grid worker"
        assert str(Role.SECURITY_ADMIN.label) == "Security administrator"
        problem = codes.level_problem("123", "grid")
        assert problem == "Code “123” must be 15 digits"
    with translation.override("zh-hans"):
        assert str(Level.GRID.label) == "网格"
        assert str(Level.SUBDISTRICT.label) == "街道(乡镇)"
        assert str(Role.GRID_WORKER.label) == "网格员"
        assert str(Role.SECURITY_ADMIN.label) == "安全管理员"
        assert codes.level_problem("123", "grid") == "编码“123”应为15位数字"


def test_percent_placeholders_format_in_english():
    with translation.override("en"):
        text = translation.gettext("与网格“%(o)s”重叠%(pct).1f%%（容差%(tol).1f%%）") % {
            "o": "510107001001001",
            "pct": 12.345,
            "tol": 1,
        }
    assert text == "Overlaps grid “510107001001001” by 12.3% (tolerance 1.0%)"


@pytest.mark.django_db
def test_pages_are_chinese_until_the_person_chooses_english(client):
    # An English browser alone does not switch a Chinese government system.
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "工作人员登录" in page and "用户名" in page and "密码" in page
    assert "Staff sign-in" not in page

    # The switcher sets the language cookie; from then on the pages are English.
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Staff sign-in" in page and "Username" in page and "Password" in page
    assert "工作人员登录" not in page


def test_deployments_may_follow_the_browser(client, settings):
    settings.GONGZHI_LANGUAGE_FROM_BROWSER = True
    assert "Staff sign-in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "工作人员登录" in client.get("/accounts/login/").content.decode()
