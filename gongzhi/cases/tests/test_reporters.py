"""One intake for every reporter, read from one table (cases/reporters.py): for staff, the portal
and an Open311 key, the channels each may use, the area its report must lie in, how its address
text is read, whose its idempotency keys are, and its photos filed with the case or not at all."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.cases import categories, intake, open311, photos, reporters
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, CaseStat, Open311Key
from gongzhi.cases.tests.test_photos import jpeg_with_gps
from gongzhi.common.actors import ActorMissing, ResidentActor, SystemActor
from gongzhi.conftest import C1, G1, G2, PASSWORD, SYSTEM, WUHOU
from gongzhi.registry.tests.conftest import register  # noqa: F401  (addresses to read)

pytestmark = pytest.mark.django_db

KINDS = [reporters.STAFF, reporters.PORTAL, reporters.OPEN311]
INSIDE = {"lon": 0.25, "lat": 0.5}  # grid G1: the grid worker's, in community C1 and in 武侯区
# Each source's area: the grid worker holds G1, the portal serves 武侯区, the key is bound to C1.
OUTSIDE = {reporters.STAFF: {"lon": 0.75, "lat": 0.5}, reporters.PORTAL: {"lon": 3.0, "lat": 1.0},
           reporters.OPEN311: {"lon": 0.25, "lat": 1.5}}
RESIDENT = ResidentActor("反映人")


@pytest.fixture
def sources(world, cast):
    """A source of each kind (and another of the same kind, for the keys' namespaces)."""
    categories.load_defaults()
    open311.new_key(name="市热线", area=world[C1])
    open311.new_key(name="区热线", area=world[C1])
    first, second = Open311Key.objects.select_related("area").order_by("pk")

    def make(kind: str, other: bool = False, **staff) -> reporters.Source:
        if kind == reporters.STAFF:
            return reporters.staff(cast.multi if other else cast.grid_worker, **staff)
        if kind == reporters.PORTAL:
            return reporters.portal(RESIDENT, world[WUHOU])
        return reporters.open311(second if other else first)
    return make


def file(source, **kwargs) -> intake.Receipt:
    where = kwargs.pop("where", INSIDE)
    return intake.report(source=source, category=categories.active("garbage_pileup"),
                         description=kwargs.pop("description", "门口垃圾"), **where, **kwargs)


@pytest.mark.parametrize(("kind", "channel"), [
    (reporters.STAFF, "grid_patrol"), (reporters.STAFF, "hotline"), (reporters.STAFF, "walk_in"),
    (reporters.STAFF, "inspection"), (reporters.PORTAL, "self_report"), (reporters.OPEN311, "open311"),
])
def test_each_source_files_through_its_channels(sources, cast, kind, channel):
    source = sources(kind, channel=channel) if kind == reporters.STAFF else sources(kind)
    case = file(source).case
    assert case.channel == channel and case.area_id == G1
    event = CaseEvent.objects.get(case=case)
    expected = {reporters.STAFF: (cast.grid_worker, "grid_worker"), reporters.PORTAL: (None, ""),
                reporters.OPEN311: (None, "系统：Open311接口“市热线”")}[kind]
    assert (case.reported_by, event.actor_name) == expected and event.actor == case.reported_by


@pytest.mark.parametrize(("who", "channel"), [
    ("grid_worker", "grid_patrol"), ("community_worker", "inspection"), ("dispatcher", "hotline"),
    ("multi", "grid_patrol")])
def test_staff_without_a_channel_report_through_their_roles_default(sources, cast, who, channel):
    assert reporters.staff(getattr(cast, who)).channel == channel


@pytest.mark.parametrize(("kind", "channel"), [
    (reporters.STAFF, "self_report"), (reporters.STAFF, "open311"), (reporters.STAFF, "fax"),
    (reporters.PORTAL, "hotline"), (reporters.OPEN311, "self_report"),
])
def test_a_channel_the_table_does_not_give_a_source_is_refused(sources, kind, channel):
    made = sources(kind)
    with pytest.raises(intake.IntakeError) as err:
        reporters.Source(kind, made.actor, channel, area=made.area, via=made.via, sender=made.sender)
    assert err.value.field == "channel" and channel in str(err.value)


@pytest.mark.parametrize("who", ["leader", "handler", "system_admin", "nobody", "revoked"])
def test_an_account_without_a_reporting_role_is_refused_like_the_apis_403(cast, who):
    with pytest.raises(PermissionDenied):
        reporters.staff(getattr(cast, who), "hotline")


@pytest.mark.parametrize("make", [
    lambda cast, world: reporters.staff(None, "hotline"),
    lambda cast, world: reporters.staff(AnonymousUser(), "hotline"),
    lambda cast, world: reporters.staff(RESIDENT, "hotline"),
    lambda cast, world: reporters.portal(None, world[WUHOU]),
    lambda cast, world: reporters.portal(cast.grid_worker, world[WUHOU]),
    lambda cast, world: reporters.Source(reporters.OPEN311, RESIDENT, "open311", area=world[C1]),
    lambda cast, world: reporters.Source(reporters.STAFF, SystemActor("导入"), "hotline"),
])
def test_a_report_says_who_makes_it_and_the_kind_matches(cast, world, make):
    with pytest.raises(ActorMissing):
        make(cast, world)


@pytest.mark.parametrize("kind", KINDS)
def test_a_location_outside_the_sources_area_is_refused(sources, kind):
    with pytest.raises(intake.IntakeError) as err:
        file(sources(kind), where=OUTSIDE[kind])
    assert err.value.field == "location"
    assert ("您负责的区域" if kind == reporters.STAFF else "的范围内") in str(err.value)
    assert not Case.objects.unscoped().exists()


def test_staff_file_where_they_hold_a_reporting_role_not_where_they_only_read(sources, cast, world):
    """A grid worker who also leads the district files in their grid only (a leader files nothing)."""
    both = accounts.create_staff(actor=SYSTEM, username="grid_and_lead", password=PASSWORD, full_name="两职",
                                 must_change=False)
    accounts.assign_role(actor=SYSTEM, user=both, role=Role.GRID_WORKER, area=world[G1])
    accounts.assign_role(actor=SYSTEM, user=both, role=Role.LEADER, area=world[WUHOU])
    assert file(reporters.staff(both, "grid_patrol")).case.area_id == G1
    with pytest.raises(intake.IntakeError) as err:
        file(reporters.staff(both, "grid_patrol"), where={"lon": 0.75, "lat": 0.5})
    assert err.value.field == "location" and not Case.objects.unscoped().filter(area_id=G2).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_address_text_is_read_as_the_source_reads_it(sources, register, kind):  # noqa: F811
    text = "桂溪路18号锦绣花园1栋2单元301"
    case = file(sources(kind), where={}, address_text=text).case
    assert case.address == register.h1.address and case.area_id == register.h1.area_id
    assert case.address_text == text and case.lon is None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["火星大道1号", "锦里路6号2幢1单元502室", "春熙路9号101"])
def test_address_text_that_does_not_read_as_an_address_of_the_sources_area_is_refused(sources, register,  # noqa: F811
                                                                                       kind, text):
    """Mars is nowhere; 锦里路 lies outside the grid worker's scope and the key's community;
    春熙路 outside all three."""
    if kind == reporters.PORTAL and text.startswith("锦里路"):
        assert file(sources(kind), where={}, address_text=text).case.address == register.h2.address  # in 武侯区
        return
    with pytest.raises(intake.IntakeError) as err:
        file(sources(kind), where={}, address_text=text)
    assert err.value.field == "address_text" and str(err.value)
    assert not Case.objects.unscoped().exists()


def test_the_staff_reading_takes_an_address_code_too(sources, register):  # noqa: F811
    case = file(sources(reporters.STAFF), where={}, address_text=register.h1.address.code).case
    assert case.address == register.h1.address


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_key_from_the_same_source_is_one_case(sources, kind):
    first = file(sources(kind), idempotency_key="k-1")
    again = file(sources(kind), idempotency_key="k-1", description="重试")
    assert first.created and not again.created and again.case.pk == first.case.pk and not again.tracking_code
    assert Case.objects.unscoped().count() == 1


@pytest.mark.parametrize(("one", "other"), [
    (lambda s: s(reporters.STAFF), lambda s: s(reporters.STAFF, other=True)),  # two accounts
    (lambda s: s(reporters.STAFF, via="patrol"), lambda s: s(reporters.STAFF, via="api")),  # two surfaces
    (lambda s: s(reporters.OPEN311), lambda s: s(reporters.OPEN311, other=True)),  # two keys
    (lambda s: s(reporters.PORTAL), lambda s: s(reporters.OPEN311)),
    (lambda s: s(reporters.STAFF), lambda s: s(reporters.PORTAL)),
])
def test_the_same_key_from_two_senders_is_two_cases(sources, one, other):
    first, second = file(one(sources), idempotency_key="k-1"), file(other(sources), idempotency_key="k-1")
    assert first.created and second.created and first.case.pk != second.case.pk


def test_keys_are_stored_as_before_so_a_retry_across_the_upgrade_finds_its_case(sources, cast):
    key = Open311Key.objects.order_by("pk").first()
    stored = {file(sources(kind, **extra), idempotency_key="t").case.idempotency_key
              for kind, extra in ((reporters.STAFF, {"via": "patrol"}), (reporters.STAFF, {"via": "api"}),
                                  (reporters.PORTAL, {}), (reporters.OPEN311, {}))}
    pk = cast.grid_worker.pk
    assert stored == {f"patrol:{pk}:t", f"api:{pk}:t", "portal:t", f"open311:{key.pk}:t"}
    assert file(sources(reporters.STAFF), idempotency_key=None).case.idempotency_key is None


@pytest.mark.parametrize("kind", [reporters.STAFF, reporters.PORTAL])
def test_photos_are_filed_with_the_case_and_a_retry_adds_none(sources, cast, kind):
    sent = [photos.clean(jpeg_with_gps()), photos.clean(jpeg_with_gps())]
    case = file(sources(kind), idempotency_key="k-1", photos=sent).case
    again = file(sources(kind), idempotency_key="k-1", photos=sent)
    assert not again.created and again.case.pk == case.pk
    stored = list(CasePhoto.objects.filter(case=case))
    uploader = cast.grid_worker if kind == reporters.STAFF else None
    assert len(stored) == 2 and {p.uploaded_by for p in stored} == {uploader}
    assert CaseEvent.objects.filter(case=case, action="photo").count() == 2


@pytest.mark.parametrize("kind", KINDS)
def test_more_photos_than_the_source_may_send_file_nothing(sources, kind):
    allowed = reporters.REPORTERS[kind].photos
    with pytest.raises(intake.IntakeError) as err:
        file(sources(kind), photos=[photos.clean(jpeg_with_gps())] * (allowed + 1))
    assert err.value.field == "photos" and not Case.objects.unscoped().exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kind", [reporters.STAFF, reporters.PORTAL])
def test_a_photo_that_fails_leaves_no_case_and_no_file(sources, settings, monkeypatch, kind):
    """The second photo cannot be written (a full disk): the case, its event, its counts and the
    first photo's row roll back, and the first photo's file is removed."""
    real_save, calls = FileSystemStorage._save, []

    def save(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    with pytest.raises(OSError):
        file(sources(kind), idempotency_key="k-1", photos=[photos.clean(jpeg_with_gps())] * 2)
    assert len(calls) == 2
    assert not Case.objects.unscoped().exists() and not CasePhoto.objects.exists()
    assert not CaseEvent.objects.exists() and not CaseStat.objects.unscoped().exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    monkeypatch.setattr(FileSystemStorage, "_save", real_save)  # the disk has room again: the retry files
    retried = file(sources(kind), idempotency_key="k-1", photos=[photos.clean(jpeg_with_gps())] * 2)
    assert retried.created and CasePhoto.objects.filter(case=retried.case).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kind", KINDS)
def test_outside_a_transaction_each_source_files_once_per_key(sources, kind):
    """The path a server takes (on PostgreSQL, one statement without photos): a retry is answered
    with the first case."""
    first = file(sources(kind), idempotency_key="k-1")
    again = file(sources(kind), idempotency_key="k-1")
    assert first.created and not again.created and again.case.pk == first.case.pk
    assert Case.objects.unscoped().count() == 1 and CaseEvent.objects.count() == 1
