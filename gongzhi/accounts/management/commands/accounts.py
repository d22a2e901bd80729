import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts import resets, services
from gongzhi.accounts.models import User
from gongzhi.accounts.roles import ADMIN_ROLES
from gongzhi.areas.models import Area
from gongzhi.audit.context import Origin, origin
from gongzhi.common.actors import SystemActor


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = ("账号: `accounts create-admin USERNAME --role ROLE --area CODE` bootstraps an installation; "
            "`accounts reset-credentials USERNAME --password|--second-factor` resets from the server's shell.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-admin", help="an administrator account (system, security or audit)")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        create.add_argument("--area", required=True, help="area code the administrator is responsible for")
        create.add_argument("--full-name", default="")
        create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        reset = sub.add_parser("reset-credentials", help="reset an account's password or authenticator at once "
                               "(the shell's path; in the admin a reset takes a second administrator's approval)")
        reset.add_argument("username")
        what = reset.add_mutually_exclusive_group(required=True)
        what.add_argument("--password", action="store_true", help="prompt for a new password, changed at next sign-in")
        what.add_argument("--second-factor", action="store_true", help="remove the authenticator; enrol again at sign-in")
        reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, action, **options):
        stdin = options.pop("stdin", None)
        with origin(Origin(source=f"cli:accounts {action}")):
            if action == "create-admin":
                self.create_admin(stdin=stdin, **options)
            else:
                self.reset_credentials(stdin=stdin, **options)

    def reset_credentials(self, username, password, second_factor, password_stdin, stdin=None, **_):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account {username}")
        kind = resets.Kind.PASSWORD if password else resets.Kind.SECOND_FACTOR
        try:
            resets.from_shell(target=user, kind=kind,
                              password=self._password(password_stdin, stdin) if password else "")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{kind}  {username}  reset (audited as {resets.SHELL})")

    def create_admin(self, username, role, area, full_name, password_stdin, stdin=None, **_):
        place = Area.objects.unscoped().filter(code=area).first()
        if place is None:
            raise CommandError(f"no area with code {area}: import the places first (gongzhi areas import …)")
        password = self._password(password_stdin, stdin)
        try:
            user = User.objects.filter(username=username).first() or services.create_staff(
                actor=SystemActor("server shell"), username=username, password=password, full_name=full_name, must_change=False)
            services.assign_role(actor=SystemActor("server shell"), user=user, role=role, area=place)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{role}  {username}  @ {place}")

    def _password(self, from_stdin: bool, stdin=None) -> str:
        """Prompted twice (or one line of standard input); never an argument, which `ps` shows."""
        if from_stdin:
            return (stdin or self._stdin()).readline().rstrip("\n")
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise CommandError("the passwords differ")
        return password

    def _stdin(self):
        import sys

        return sys.stdin
