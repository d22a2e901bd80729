"""Free-text addresses to standard addresses: parsing, exact and repaired matches, the queue."""

import pytest

from gongzhi.areas.models import Area
from gongzhi.conftest import C1, CITY, WUHOU, sign_in
from gongzhi.registry import addressing, matching
from gongzhi.registry.models import AddressReview


@pytest.mark.parametrize(("text", "parts"), [
    ("天府大道北段1700号环球中心E1栋2单元1503",
     [("road", "天府大道北段"), ("number", "1700号"), ("estate", "环球中心"), ("building", "E1栋"),
      ("unit", "2单元"), ("room", "1503")]),
    ("文一西路一百号", [("road", "文一西路"), ("number", "100号")]),
    ("人民南路四段十二号3幢1单元15楼1502",
     [("road", "人民南路四段"), ("number", "12号"), ("building", "3栋"), ("unit", "1单元"), ("floor", "15层"),
      ("room", "1502")]),
    ("科华北路 65 号 B座 12层 1205",
     [("road", "科华北路"), ("number", "65号"), ("building", "B栋"), ("floor", "12层"), ("room", "1205")]),
    ("玉林小区3栋2单元4号", [("estate", "玉林小区"), ("building", "3栋"), ("unit", "2单元"), ("room", "4")]),
    ("ｃｈｕｎ春熙路９号１０１", [("road", "CHUN春熙路"), ("number", "9号"), ("room", "101")]),
])
def test_parsing_cuts_the_parts_and_converts_only_numbers(text, parts):
    assert [(str(k), v) for k, v in addressing.parse(text).components] == parts


@pytest.fixture
def matcher(register):
    return matching.Matcher(Area.objects.unscoped().get(code=CITY))


H1_TEXT = "桂溪路18号锦绣花园1栋2单元301"


@pytest.mark.parametrize("text", [
    H1_TEXT,
    "成都市武侯区浆洗街街道洗面桥社区" + H1_TEXT,
    "四川省成都市武侯区桂溪路18号锦绣花园1栋2单元301室",
    "桂溪路十八号锦绣花园1幢2单元301",
    "锦绣花园1栋2单元301",  # no road: anchored on the estate
    "桂溪路 18 号，锦绣花园 1 栋 2 单元 301 室",
])
def test_ways_of_writing_the_same_address_all_match_it(matcher, register, text):
    match = matcher.match(text)
    assert match.certain and match.address == register.h1.address, (match.how, match.candidates)


def test_the_place_prefix_narrows_to_the_smallest_area(matcher, register):
    match = matcher.match("成都市武侯区浆洗街街道洗面桥社区" + H1_TEXT)
    assert match.area.code == C1
    assert matcher.match("武侯区" + H1_TEXT).area.code == WUHOU
    assert matcher.match("锦江区春熙路9号101").address == register.h3.address


def test_a_one_character_typo_in_the_road_is_repaired(matcher, register):
    match = matcher.match("桂西路18号锦绣花园1栋2单元301")
    assert match.address == register.h1.address and match.how == "repaired" and match.certain


def test_an_unknown_room_is_uncertain_with_the_nearest_candidate(matcher, register):
    match = matcher.match("桂溪路18号锦绣花园1栋2单元999")
    assert not match.certain and match.address is None
    assert match.candidates[0].address == register.h1.address.parent  # 2单元
    assert 0 < match.confidence < matching.CERTAIN


def test_nonsense_matches_nothing(matcher):
    match = matcher.match("火星基地")
    assert not match.certain and match.candidates == []


def test_a_reviewed_text_matches_by_itself_next_time(matcher, register, cast):
    text = "洗面桥社区锦绣苑一栋二单元三零一"  # the estate's name written wrong twice over
    first = matcher.match(text)
    assert not first.certain
    review = matching.enqueue(first, source="test")
    assert review.area_id == C1  # the queue of the community it was read into
    matching.resolve(actor=cast.community_worker, review=review, address=register.h1.address)
    assert AddressReview.objects.unscoped().get(pk=review.pk).status == "resolved"
    again = matching.Matcher(Area.objects.unscoped().get(code=CITY)).match(text)
    assert again.certain and again.address == register.h1.address and again.how == "alias"


def test_the_match_addresses_command_fills_codes_and_leaves_the_rest_for_review(register, tmp_path):
    import csv

    from django.core.management import call_command

    source = tmp_path / "in.csv"
    source.write_text("id,query\n1,成都市武侯区" + H1_TEXT + "\n2,桂溪路18号锦绣花园1栋2单元999\n3,\n",
                      encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("registry", "match-addresses", str(source), str(out), "--within", CITY, "--queue")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["address_code"] == register.h1.address.code and rows[0]["confidence"] == "1.00"
    assert rows[1]["address_code"] == "" and rows[1]["matched_text"].endswith("2单元")
    assert rows[2]["address_code"] == ""
    assert AddressReview.objects.unscoped().filter(status="pending").count() == 1


def test_matching_and_the_review_queue_over_the_api(client, cast, register):
    import json

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json")

    sign_in(client, cast.community_worker)
    found = post("/api/v1/registry/address-match", {"text": "成都市" + H1_TEXT}).json()
    assert found["certain"] and found["address"]["code"] == register.h1.address.code
    queued = post("/api/v1/registry/address-match",
                  {"text": "洗面桥社区桂溪路18号锦绣花园1栋2单元999", "queue": True}).json()
    assert not queued["certain"] and queued["review_id"]
    pending = client.get("/api/v1/registry/reviews").json()
    assert [r["id"] for r in pending] == [queued["review_id"]]
    done = post(f"/api/v1/registry/reviews/{queued['review_id']}/resolve",
                {"community_code": C1, "components": [["road", "桂溪路"], ["number", "18号"], ["estate", "锦绣花园"],
                                                      ["building", "1栋"], ["unit", "2单元"], ["room", "999"]]})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert client.get("/api/v1/registry/reviews").json() == []
    # A grid worker of another grid sees neither the queue nor the address.
    sign_in(client, cast.other_grid_worker)
    assert client.get("/api/v1/registry/reviews").status_code == 403
    assert not post("/api/v1/registry/address-match", {"text": "成都市" + H1_TEXT}).json()["certain"]
