"""Councils, topics and disclosures belong to a community; a grid worker, whose own scope is a
grid, reads those of the community their grid lies in (and only those), and keeps none."""

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.accounts import scoping
from gongzhi.conftest import RESIDENT
from gongzhi.deliberation import topics
from gongzhi.deliberation.models import Council, Topic

from .conftest import community


def test_a_grid_worker_reads_their_communitys_topics_and_councils_only(cast, council, register):
    here = topics.propose(actor=RESIDENT, area=community(), title="楼道堆物", source="resident", proposer=register.zhang)
    there = topics.propose(actor=RESIDENT, area=community("510107001002"), title="锦里路停车", source="resident",
                           proposer=register.wang)
    assert list(scoping.scoped(Topic, cast.grid_worker)) == [here]
    assert list(scoping.scoped(Council, cast.grid_worker)) == [council]
    assert list(scoping.scoped(Topic, cast.community_worker)) == [here]  # unchanged for wider scopes
    assert set(scoping.scoped(Topic, cast.leader)) >= {here, there}
    with pytest.raises(PermissionDenied):
        topics.decline(actor=cast.grid_worker, topic=here, note="网格员不能决定")


def test_the_grid_workers_topic_pages(login, council, register):
    topic = topics.propose(actor=RESIDENT, area=community(), title="楼道堆物", source="resident", proposer=register.zhang)
    client = login("grid_worker")
    assert "楼道堆物" in client.get("/w/deliberation/").content.decode()
    assert client.get(f"/w/deliberation/topics/{topic.pk}/").status_code == 200
