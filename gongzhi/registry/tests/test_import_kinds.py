"""Import kinds are registered by the apps they belong to; a key names one kind."""

import dataclasses

import pytest

from gongzhi.registry import import_kinds
from gongzhi.registry.importers import PeopleImporter


def test_the_register_and_the_cases_app_register_their_kinds():
    kinds = {kind.key: kind for kind in import_kinds.kinds()}
    assert list(kinds) == ["people", "houses", "entities", "addresses", "routing_rules"]
    assert {kinds[k].permission for k in ("people", "houses", "entities", "addresses")} == {"registry.import"}
    assert kinds["people"].scope is None  # the register's rows lie in any of the importer's grants
    assert kinds["routing_rules"].permission == "cases.add_routingrule"
    assert kinds["routing_rules"].scope == {"dispatcher"}


def test_a_key_names_one_kind():
    people = import_kinds.get("people")
    assert import_kinds.register(people) is people  # an app's ready() run twice
    with pytest.raises(ValueError, match="already registered"):
        import_kinds.register(dataclasses.replace(people, permission="registry.add_person"))
    with pytest.raises(ValueError, match="1 to 40"):
        import_kinds.register(dataclasses.replace(people, key="k" * 41))
    with pytest.raises(import_kinds.UnknownKind, match="未知的导入类型“spaceships”"):
        import_kinds.get("spaceships")


def test_only_the_kinds_a_user_may_import_are_offered(cast):
    assert [k.key for k in import_kinds.allowed(cast.community_worker)] == ["people", "houses", "entities",
                                                                           "addresses"]
    assert [k.key for k in import_kinds.allowed(cast.dispatcher)] == ["routing_rules"]
    assert import_kinds.allowed(cast.leader) == [] and import_kinds.allowed(None) == []
    assert type(import_kinds.get("people").make_importer(cast.community_worker)) is PeopleImporter
