import pytest

from gongzhi.cases import categories, open311
from gongzhi.cases.models import Category
from gongzhi.workcalendar import workdays


@pytest.fixture(autouse=True)
def _fresh_memos(db):
    # Entered days, categories and keys roll back with each test; what the process remembers
    # of them must not outlive it.
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys):
        forget()
    yield
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys):
        forget()

@pytest.fixture
def garbage(world) -> Category:
    """The default category tree, and its leaf 垃圾堆放 (the usual case of these tests)."""
    categories.load_defaults()
    return Category.objects.get(code="garbage_pileup")


def reporter(cast, lon: float, lat: float):
    """Who files a case at (lon, lat) in the test world: the grid worker in their grid G1, the
    city's dispatcher (the hotline desk) anywhere else (staff file only where they work)."""
    return cast.grid_worker if 0 <= lon < 0.5 and 0 <= lat < 1 else cast.city_dispatcher


from gongzhi.registry.tests.conftest import register  # noqa: E402, F401  (the register's test world)
