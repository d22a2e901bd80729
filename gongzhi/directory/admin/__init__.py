"""Django's admin imports this module of every app: it registers the places' and the
organisations' admin pages (their URLs keep their models' app labels: /admin/areas/…, /admin/orgs/…)."""

from . import areas, orgs  # noqa: F401  (registered on import)
