import pytest

from gongzhi.cases import workdays


@pytest.fixture(autouse=True)
def _fresh_calendar(db):
    # Entered days roll back with each test; the cache of them must not outlive it.
    workdays.overrides_changed()
    yield
    workdays.overrides_changed()

from gongzhi.registry.tests.conftest import register  # noqa: E402, F401  (the register's test world)
