"""Issue 15 item 11: names (areas, grids, cases) go into Leaflet tooltips and popups as text.
Leaflet sets a string given to bindTooltip/bindPopup as HTML, so an area named
`<img src=x onerror=…>` would be markup; each call must pass a DOM node (a text node, or an
element whose text was set with textContent), and no script writes innerHTML."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static" / "gongzhi"
SCRIPTS = sorted(STATIC.glob("*.js"))
CALL = re.compile(r"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*([^,)]*)")


def _elements(source: str) -> set[str]:
    """Variables that hold an element made by the script itself."""
    return set(re.findall(r"var\s+(\w+)\s*=\s*document\.createElement\(", source))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_map_labels_are_passed_as_text_not_html(script):
    source = script.read_text()
    made = _elements(source)
    for method, argument in CALL.findall(source):
        argument = argument.strip()
        assert argument.startswith("document.createTextNode(") or argument in made, \
            f"{script.name}: {method}({argument}…) would be read as HTML; pass document.createTextNode(…)"
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML", source), script.name


def test_the_scripts_that_draw_maps_are_checked():
    names = {p.name for p in SCRIPTS if CALL.search(p.read_text())}
    assert {"dashboard.js", "grid.js", "pin.js"} <= names
