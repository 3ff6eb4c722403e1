"""SM3 against GB/T 32905's examples; SM2 signatures cross-checked with gmalg, an independent
implementation (pure Python, its own curve arithmetic, SM3 and Z value)."""

from __future__ import annotations

import gmalg
import pytest

from govhall.licenses import crypto
from govhall.licenses.identifiers import (
    MalformedIdentifier,
    WrongCheckCharacter,
    identifier_build,
    identifier_parse,
)

UID = b"1234567812345678"


def test_sm3_matches_the_standard_examples():
    assert crypto.sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert crypto.sm3(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )
    assert gmalg.SM3().value() != b""  # the independent SM3 agrees too
    independent = gmalg.SM3()
    independent.update(b"abcd" * 16)
    assert independent.value().hex() == crypto.sm3(b"abcd" * 16)


def test_govhall_signature_verifies_with_gmalg_and_the_reverse():
    pair = crypto.keypair_generate()
    message = "营业执照 1.2.156.3005.2".encode()
    signature = crypto.sign(pair.private_hex, pair.public_hex, message)
    other = gmalg.SM2(pk=b"\x04" + bytes.fromhex(pair.public_hex), uid=UID)
    r, s = bytes.fromhex(signature[:64]), bytes.fromhex(signature[64:])
    assert other.verify(message, r, s)
    assert not other.verify(message + b"x", r, s)
    signer = gmalg.SM2(
        sk=bytes.fromhex(pair.private_hex), uid=UID, pk=b"\x04" + bytes.fromhex(pair.public_hex)
    )
    r2, s2 = signer.sign(message)
    assert crypto.verify(pair.public_hex, message, (r2 + s2).hex())
    assert not crypto.verify(pair.public_hex, message[:-1], (r2 + s2).hex())


def test_gmalg_key_pair_is_the_same_point_as_ours():
    pair = crypto.keypair_generate()
    derived = gmalg.SM2().generate_pk(bytes.fromhex(pair.private_hex))
    assert derived == b"\x04" + bytes.fromhex(pair.public_hex)


@pytest.mark.parametrize("bad", ["", "zz", "00" * 64, "f" * 128])
def test_malformed_signatures_are_refused(bad):
    pair = crypto.keypair_generate()
    assert crypto.verify(pair.public_hex, b"m", bad) is False


def test_sealed_private_key_opens_only_with_the_same_secret(settings):
    pair = crypto.keypair_generate()
    sealed = crypto.private_key_seal(pair.private_hex)
    assert pair.private_hex not in sealed
    assert crypto.private_key_open(sealed) == pair.private_hex
    tampered = sealed[:-70] + ("0" if sealed[-70] != "0" else "1") + sealed[-69:]
    with pytest.raises(crypto.SealedKeyError):
        crypto.private_key_open(tampered)
    settings.GOVHALL_LICENSE_KEY_SECRET = "another secret"
    with pytest.raises(crypto.SealedKeyError):
        crypto.private_key_open(sealed)


def test_identifier_check_character_is_iso7064_mod_37_36():
    value = identifier_build("ZJJ0011", "11341600MB0000001X", "00000001", 1)
    assert value.startswith("1.2.156.3005.2.ZJJ0011.11341600MB0000001X.00000001.001.")
    assert str(identifier_parse(value.lower())) == value
    check = value[-1]
    wrong = value[:-1] + ("A" if check != "A" else "B")
    with pytest.raises(WrongCheckCharacter):
        identifier_parse(wrong)
    for malformed in ["", "1.2.156", "abc", value + ".1", value.replace("1.2.156", "1.2.840")]:
        with pytest.raises(MalformedIdentifier):
            identifier_parse(malformed)


def test_bench_command_prints_figures():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("licenses_bench", runs=2, stdout=out)
    assert "SM2 verify" in out.getvalue() and "all ok=True" in out.getvalue()
