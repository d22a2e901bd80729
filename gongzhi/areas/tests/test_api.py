"""The places API answers within scope: lists, details (404 outside), locate, GeoJSON."""

import pytest

from gongzhi.conftest import C1, CITY, G1, G2, G3, JINJIANG, S1


@pytest.fixture
def as_user(login):
    return login


def test_anonymous_callers_are_refused(client, world):
    assert client.get("/api/v1/areas").status_code == 401
    assert client.get(f"/api/v1/areas/{CITY}").status_code == 401


@pytest.mark.parametrize("who", ["audit_admin", "nobody", "revoked"])
def test_roles_without_places_are_refused_the_list_and_the_lookup(as_user, who):
    # Not an empty list: a role that may not read places is told so (403).
    client = as_user(who)
    assert client.get("/api/v1/areas").status_code == 403
    assert client.get("/api/v1/areas/locate?lon=0.25&lat=0.5").status_code == 403


def test_a_grid_worker_lists_only_their_grid(as_user):
    body = as_user("grid_worker").get("/api/v1/areas").json()
    assert [a["code"] for a in body["items"]] == [G1]


def test_a_dispatcher_lists_their_subdistrict_by_level(as_user):
    body = as_user("dispatcher").get("/api/v1/areas?level=grid").json()
    assert [a["code"] for a in body["items"]] == [G1, G2, G3, "510107001002002"]


def test_pages_follow_the_cursor_to_the_end(as_user):
    client = as_user("city_dispatcher")
    seen, cursor = [], ""
    while True:
        body = client.get(f"/api/v1/areas?size=4&after={cursor}").json()
        seen += [a["code"] for a in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 16 and seen == sorted(seen)


@pytest.mark.parametrize(("who", "code", "status"), [
    ("grid_worker", G1, 200),
    ("grid_worker", G2, 404),
    ("grid_worker", C1, 404),
    ("community_worker", G2, 200),
    ("community_worker", G3, 404),
    ("dispatcher", S1, 200),
    ("dispatcher", JINJIANG, 404),
    ("audit_admin", CITY, 404),
    ("nobody", CITY, 404),
    ("revoked", G1, 404),
])
def test_details_outside_scope_are_404(as_user, who, code, status):
    assert as_user(who).get(f"/api/v1/areas/{code}").status_code == status


def test_detail_carries_the_boundary(as_user):
    body = as_user("grid_worker").get(f"/api/v1/areas/{G1}").json()
    assert body["geometry"]["type"] == "Polygon" and body["parent_code"] == C1


def test_locate_finds_the_grid_in_scope_only(as_user):
    client = as_user("community_worker")
    assert client.get("/api/v1/areas/locate?lon=0.25&lat=0.5").json()["grid"]["code"] == G1
    # In a grid, but not one of mine: the answer does not reveal it.
    assert client.get("/api/v1/areas/locate?lon=3&lat=1").json()["grid"] is None
    for bad in ("lon=200&lat=1", "lon=abc&lat=1", "lon=nan&lat=1"):
        refused = client.get(f"/api/v1/areas/locate?{bad}")
        # the documented 422: a list naming the field (out of range was a bare sentence)
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "lon"]


def test_geojson_of_a_community_lists_its_grids(as_user):
    body = as_user("community_worker").get(f"/api/v1/areas/{C1}/geojson").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == [C1, G1, G2]


def test_openapi_document_is_served(client, world):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"].startswith("gongzhi")
