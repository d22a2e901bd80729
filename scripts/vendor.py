"""Refreshes the front-end files committed under gongzhi/static/vendor from the npm registry.

Pages never load anything from a CDN: the pinned builds live in the repository, so a machine
with only Python runs the demo. Run `./dev vendor` after changing a pin below; it packs each
package with npm, checks the registry's integrity hash, and copies the listed files.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "gongzhi" / "static" / "vendor"

# (npm package, version, npm SRI integrity, folder, {file in the package: file name here})
PACKAGES = [
    ("htmx.org", "2.0.11",
     "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
     "htmx", {"package/dist/htmx.min.js": "htmx.min.js", "package/LICENSE": "LICENSE"}),
    ("leaflet", "1.9.4",
     "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
     "leaflet", {"package/dist/leaflet.js": "leaflet.js", "package/dist/leaflet.css": "leaflet.css",
                 "package/dist/images/marker-icon.png": "images/marker-icon.png",
                 "package/dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
                 "package/dist/images/marker-shadow.png": "images/marker-shadow.png",
                 "package/LICENSE": "LICENSE"}),
    ("echarts", "6.1.0",
     "sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==",
     "echarts", {"package/dist/echarts.common.min.js": "echarts.common.min.js", "package/LICENSE": "LICENSE"}),
]


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, expected, folder, files in PACKAGES:
            out = subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", tmp, "--silent"],
                                 check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            tarball = Path(tmp) / out
            if integrity(tarball) != expected:
                print(f"{name}@{version}: integrity mismatch, refusing", file=sys.stderr)
                return 1
            target = VENDOR / folder
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tarball) as tar:
                for member, local in files.items():
                    (target / local).parent.mkdir(parents=True, exist_ok=True)
                    (target / local).write_bytes(tar.extractfile(member).read())
            print(f"{name}@{version} → {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
