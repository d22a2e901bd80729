import pytest

from gongzhi.portal import places


@pytest.fixture(autouse=True)
def _fresh_outlines():
    # The map's outlines are remembered per process; each test draws its own world.
    places.forget()
    yield
    places.forget()
