from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit.context import Origin, origin
from gongzhi.demo import seed as seed_module
from gongzhi.demo.resident import demo_resident


class Command(BaseCommand):
    help = "Builds a deterministic synthetic city (演示城市) on real 成都市 division codes."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(seed_module.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=seed_module.DEMO_PASSWORD, help="password of every demo account")
        parser.add_argument("--cases", type=int, default=None,
                            help="cases in the history (default: small 600, district 20,000, city 3,000,000)")

    def handle(self, *args, scale, seed: int, password, cases, **options):
        if cases is not None and cases < 0:
            raise CommandError("--cases must be 0 or more")
        progress = self.stdout.write if scale == "city" or options["verbosity"] > 1 else None  # long runs
        with origin(Origin(source="cli:seed-demo")):
            result = seed_module.seed(scale=scale, seed=seed, password=password, cases=cases, progress=progress)
        if result.areas_problems:
            for problem in result.areas_problems[:50]:
                self.stderr.write(problem)
            raise CommandError("the synthetic areas did not validate")
        self.stdout.write(
            f"areas +{result.areas_created}, organizations +{result.organizations}, "
            f"departments +{result.departments}, accounts +{result.users}, "
            f"houses +{result.register.get('houses', 0)}, people +{result.register.get('people', 0)}, "
            f"entities +{result.register.get('entities', 0)}, cases +{result.cases.get('cases', 0)}"
        )
        for role, username, pw in result.logins:
            self.stdout.write(f"{role}  {username}  {pw}")
        for note in result.notes:
            self.stdout.write(f"  ({note})")
        resident = demo_resident()
        if resident is not None:  # the portal's 居民核验 sends its code by SMS: the console's log
            self.stdout.write(f"resident (portal /me/)  {resident[0]}  {resident[1]}  (SMS code: var/worker.log)")
