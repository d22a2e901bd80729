import pytest

from gongzhi.cases import categories, open311, workdays


@pytest.fixture(autouse=True)
def _fresh_memos(db):
    # Entered days, categories and keys roll back with each test; what the process remembers
    # of them must not outlive it.
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys):
        forget()
    yield
    for forget in (workdays.overrides_changed, categories.forget, open311.forget_keys):
        forget()

from gongzhi.registry.tests.conftest import register  # noqa: E402, F401  (the register's test world)
