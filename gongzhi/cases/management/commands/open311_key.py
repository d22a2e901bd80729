from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.models import Area
from gongzhi.audit import log
from gongzhi.audit.context import Origin, origin
from gongzhi.cases import open311


class Command(BaseCommand):
    help = "Open311 接口密钥: `open311-key create NAME [--area CODE]` prints a new api_key once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--area", help="the city the client serves (default: the first city)")

    def handle(self, *args, action, name, area=None, **options):
        places = Area.objects.unscoped()
        place = places.filter(code=area).first() if area else places.filter(level="city").order_by("code").first()
        if place is None:
            raise CommandError("no such area: load places first, or give --area CODE")
        with origin(Origin(source="cli:open311-key create")):
            try:
                key = open311.new_key(name=name, area=place)
            except Exception as exc:
                raise CommandError(f"could not create the key: {exc}") from exc
            log.record("cases.open311key.created", actor_name="system", target_type="cases.open311key",
                       changes={"name": name, "area": place.code})
        self.stdout.write(key)
