"""SM2 signatures over SM3 (gmssl), and the private keys' encryption at rest.

- SM3 (GB/T 32905): :func:`govhall.core.audit.sm3_hex` (OpenSSL when it has SM3, else gmssl).
- SM2 (GB/T 32918) signatures with SM3 and the Z value of the default user ID
  ``1234567812345678`` (GB/T 35276), as gmssl's ``sign_with_sm3`` computes it. Signatures are
  ``r || s`` (64 bytes, hex). Two weaknesses of gmssl are worked around here: its nonce comes
  from :mod:`random` (we pass one from :mod:`secrets`), and it strips a leading ``"04"`` of a
  public key with ``lstrip`` (keys are generated so that their hex form never starts with 0 or 4,
  and stored without the ``04`` prefix). Verification checks ``r`` and ``s`` are in ``[1, n-1]``.
- Private keys are kept encrypted with SM4-CBC and authenticated with HMAC-SM3 (encrypt then
  MAC), under keys derived from ``GOVHALL_LICENSE_KEY_SECRET`` (default: ``SECRET_KEY``).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from gmssl import sm2, sm4

from govhall.core.audit import sm3_hex

USER_ID = b"1234567812345678"
CURVE = sm2.default_ecc_table
N = int(CURVE["n"], 16)
SIGNATURE_HEX = 128


class SealedKeyError(Exception):
    """A private key that cannot be decrypted (wrong secret or tampered)."""


def sm3(data: bytes) -> str:
    return sm3_hex(data)


@dataclass(frozen=True)
class KeyPair:
    private_hex: str  # 64 hex
    public_hex: str  # 128 hex: x || y, without the 04 prefix


def _public_of(private_hex: str) -> str:
    engine = sm2.CryptSM2(private_key=private_hex, public_key="00" * 64)
    return engine._kg(int(private_hex, 16), CURVE["g"])


def keypair_generate() -> KeyPair:
    """A fresh SM2 key pair (private key uniformly in ``[1, n-2]``)."""
    while True:
        private_hex = f"{secrets.randbelow(N - 2) + 1:064x}"
        public_hex = _public_of(private_hex)
        if public_hex[0] not in "04":  # gmssl's lstrip("04") must leave it alone
            return KeyPair(private_hex, public_hex)


def sign(private_hex: str, public_hex: str, message: bytes) -> str:
    """SM2 signature (r || s hex) of SM3(Z || message)."""
    engine = sm2.CryptSM2(private_key=private_hex, public_key=public_hex)
    while True:
        nonce = f"{secrets.randbelow(N - 1) + 1:064x}"
        signature = engine.sign_with_sm3(message, nonce)
        if signature:
            return signature


def verify(public_hex: str, message: bytes, signature_hex: str) -> bool:
    if len(signature_hex or "") != SIGNATURE_HEX or len(public_hex or "") != 128:
        return False
    try:
        r, s = int(signature_hex[:64], 16), int(signature_hex[64:], 16)
    except ValueError:
        return False
    if not (0 < r < N and 0 < s < N) or public_hex[0] in "04":
        return False
    engine = sm2.CryptSM2(private_key="", public_key=public_hex)
    try:
        return bool(engine.verify_with_sm3(signature_hex, message))
    except (ValueError, TypeError, IndexError):
        return False


# --- private keys at rest -------------------------------------------------------------------


def _secret() -> bytes:
    value = getattr(settings, "GOVHALL_LICENSE_KEY_SECRET", "") or settings.SECRET_KEY
    return value.encode()


def _derive(label: str) -> bytes:
    return bytes.fromhex(_mac(_secret(), b"govhall-license-key-" + label.encode()))[:16]


def _mac(key: bytes, data: bytes) -> str:
    """HMAC-SM3 (RFC 2104 over SM3, 64-byte blocks)."""
    block = (bytes.fromhex(sm3(key)) if len(key) > 64 else key).ljust(64, b"\x00")
    inner = bytes.fromhex(sm3(bytes(b ^ 0x36 for b in block) + data))
    return sm3(bytes(b ^ 0x5C for b in block) + inner)


def private_key_seal(private_hex: str) -> str:
    """``iv || ciphertext || mac`` (hex) of the private key."""
    iv = secrets.token_bytes(16)
    cipher = sm4.CryptSM4()
    cipher.set_key(_derive("enc"), sm4.SM4_ENCRYPT)
    body = iv + cipher.crypt_cbc(iv, bytes.fromhex(private_hex))
    return body.hex() + _mac(_derive("mac"), body)


def private_key_open(sealed: str) -> str:
    try:
        body, tag = bytes.fromhex(sealed[:-64]), sealed[-64:]
    except ValueError as exc:
        raise SealedKeyError("malformed sealed key") from exc
    if not hmac.compare_digest(_mac(_derive("mac"), body), tag):
        raise SealedKeyError("the sealed key does not authenticate (wrong secret or tampered)")
    cipher = sm4.CryptSM4()
    cipher.set_key(_derive("enc"), sm4.SM4_DECRYPT)
    return cipher.crypt_cbc(body[:16], body[16:]).hex()
