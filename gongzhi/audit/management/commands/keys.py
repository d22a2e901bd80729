from django.core.management.base import BaseCommand

from gongzhi.audit import log
from gongzhi.audit.context import Origin, origin
from gongzhi.common import crypto, rotation


class Command(BaseCommand):
    help = ("密钥: `keys rotate` re-seals every sensitive value under the active data key (the first in "
            "GONGZHI_DATA_KEYS), resumably; `keys status` counts values still under older keys; "
            "`keys new KID [--alg sm4]` prints a fresh key entry to put in front.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate")
        rotate.add_argument("--batch", type=int, default=1000)
        sub.add_parser("status")
        new = sub.add_parser("new")
        new.add_argument("kid")
        new.add_argument("--alg", choices=sorted(crypto.KEY_SIZES), default="aes")

    def handle(self, *args, action, **options):
        if action == "new":
            self.stdout.write(crypto.new_data_key(options["kid"], options["alg"]))
            return
        if action == "status":
            for label, count in rotation.remaining().items():
                self.stdout.write(f"{label}: {count} under an older key")
            return
        with origin(Origin(source="cli:keys rotate")):
            done = rotation.rotate(batch=options["batch"],
                                   report=lambda label, n: self.stdout.write(f"{label}: {n} re-sealed"))
            log.record("keys.rotated", actor_name="system",
                       changes={"active": crypto.keyring().active.kid, "resealed": done})
        self.stdout.write(f"all values under key {crypto.keyring().active.kid}: {sum(done.values())} re-sealed")
