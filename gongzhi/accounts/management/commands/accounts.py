import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts import services
from gongzhi.accounts.models import User
from gongzhi.accounts.roles import ADMIN_ROLES
from gongzhi.areas.models import Area
from gongzhi.audit.context import Origin, origin


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "账号: `accounts create-admin USERNAME --role ROLE --area CODE` bootstraps an installation."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-admin", help="an administrator account (system, security or audit)")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        create.add_argument("--area", required=True, help="area code the administrator is responsible for")
        create.add_argument("--full-name", default="")
        create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, action, **options):
        with origin(Origin(source="cli:accounts create-admin")):
            self.create_admin(stdin=options.pop("stdin", None), **options)

    def create_admin(self, username, role, area, full_name, password_stdin, stdin=None, **_):
        place = Area.objects.unscoped().filter(code=area).first()
        if place is None:
            raise CommandError(f"no area with code {area}: import the places first (gongzhi areas import …)")
        if password_stdin:
            password = (stdin or self._stdin()).readline().rstrip("\n")
        else:
            password = getpass.getpass("password: ")
            if password != getpass.getpass("again: "):
                raise CommandError("the passwords differ")
        try:
            user = User.objects.filter(username=username).first() or services.create_staff(
                actor=None, username=username, password=password, full_name=full_name, must_change=False)
            services.assign_role(actor=None, user=user, role=role, area=place)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{role}  {username}  @ {place}")

    def _stdin(self):
        import sys

        return sys.stdin
