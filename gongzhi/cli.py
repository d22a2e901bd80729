"""The `gongzhi` console script: manage.py, with commands spelled as in the docs
(`gongzhi seed-demo`, `gongzhi areas import …`, `gongzhi audit verify`)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "gongzhi"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
