"""Sealing: both algorithms round-trip, tokens are bound to their column, keys rotate."""

import pytest

from gongzhi.common import crypto
from gongzhi.common.masking import mask


@pytest.fixture
def keys(settings):
    def use(*entries: str) -> None:
        settings.GONGZHI_DATA_KEYS = ",".join(entries)

    return use


@pytest.mark.parametrize("alg", ["aes", "sm4"])
def test_a_value_round_trips_and_is_not_in_the_token(keys, alg):
    keys(crypto.new_data_key("k1", alg))
    token = crypto.encrypt("110105194912310021", purpose="registry.person.id_number")
    assert token.startswith(f"k1${alg}$") and "1101051949" not in token
    assert crypto.decrypt(token, purpose="registry.person.id_number") == "110105194912310021"
    assert token != crypto.encrypt("110105194912310021", purpose="registry.person.id_number")  # fresh nonce


def test_a_token_does_not_open_in_another_column():
    token = crypto.encrypt("13812345678", purpose="registry.phone.number")
    with pytest.raises(crypto.SealError):
        crypto.decrypt(token, purpose="registry.person.id_number")


def test_a_tampered_token_does_not_open():
    token = crypto.encrypt("13812345678", purpose="p")
    kid, alg, b64 = token.split("$")
    flipped = b64[:-4] + ("AAAA" if not b64.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.SealError):
        crypto.decrypt(f"{kid}${alg}${flipped}", purpose="p")


def test_keys_rotate_without_losing_old_values(keys):
    old = crypto.new_data_key("k1", "aes")
    keys(old)
    token = crypto.encrypt("13812345678", purpose="p")
    keys(crypto.new_data_key("k2", "sm4"), old)  # k2 becomes active, k1 still opens
    assert crypto.decrypt(token, purpose="p") == "13812345678"
    resealed = crypto.reseal(token, purpose="p")
    assert crypto.key_id(resealed) == "k2" and crypto.decrypt(resealed, purpose="p") == "13812345678"
    keys(crypto.new_data_key("k2", "sm4"))
    with pytest.raises(crypto.SealError, match="no key"):
        crypto.decrypt(token, purpose="p")


def test_digests_are_stable_keyed_and_separated_by_kind(settings):
    a = crypto.digest("13812345678", kind="phone")
    assert a == crypto.digest("13812345678", kind="phone") and len(a) == 64
    assert a != crypto.digest("13812345678", kind="id_number")
    settings.GONGZHI_INDEX_ALGORITHM = "hmac-sm3"
    assert crypto.digest("13812345678", kind="phone") != a


@pytest.mark.parametrize("bad", ["k1:aes", "k1:des:AAAA", "k-1:aes:" + "A" * 44, "k1:aes:QUJD"])
def test_bad_key_configuration_is_refused(bad):
    with pytest.raises(ValueError):
        crypto.parse_data_keys(bad)


@pytest.mark.parametrize(("value", "kind", "shown"), [
    ("110105194912310021", "id_number", "110***********0021"),
    ("13812345678", "phone", "138****5678"),
    ("028-85551234", "phone", "028*****1234"),
    ("E12345678", "document", "E1*****78"),
])
def test_masks(value, kind, shown):
    assert mask(value, kind) == shown
