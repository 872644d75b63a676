"""Keyed pseudonyms (HMAC-SHA256) for personal identifiers, computed in DuckDB.

The key comes from KJH_PSEUDONYM_KEY or a key file (KJH_PSEUDONYM_KEY_FILE);
without one a real run refuses to start. The same key gives the same pseudonym
for the same person in every delivery, so helps and families stay linkable
without the identifier ever being stored.
"""
import hashlib
import os
from pathlib import Path

# Only for the built-in demo data: kjh demo says so when it uses it.
DEMO_KEY = b"kjh-demo-key-nur-fuer-demodaten-nicht-produktiv-verwenden"
_BLOCK = 64  # SHA-256 block size


# A key shorter than this can be guessed or tried out: with the pseudonyms and a list of
# possible person ids (they are often just numbers) the ids could be recovered.
MIN_KEY_LENGTH = 32
_HOW_TO_MAKE_ONE = ("einen guten Schlüssel erzeugt z. B. python3 -c \"import secrets; print(secrets.token_urlsafe(48))\" "
                    "(geheim und unverändert aufbewahren)")


class MissingKeyError(RuntimeError):
    pass


def load_key(key_file: str | None = None) -> bytes:
    if key := os.environ.get("KJH_PSEUDONYM_KEY"):
        if len(key.strip()) < MIN_KEY_LENGTH:
            raise MissingKeyError(f"KJH_PSEUDONYM_KEY hat {len(key.strip())} Zeichen, mindestens {MIN_KEY_LENGTH} "
                                  f"sind nötig: {_HOW_TO_MAKE_ONE}.")
        return key.encode("utf-8")
    path = key_file or os.environ.get("KJH_PSEUDONYM_KEY_FILE")
    if path:
        try:
            data = Path(path).read_bytes().strip()
        except OSError as exc:
            raise MissingKeyError(f"Schlüsseldatei {path} nicht lesbar: {exc.strerror}") from exc
        if len(data) < MIN_KEY_LENGTH:
            raise MissingKeyError(f"Schlüsseldatei {path} enthält {len(data)} Byte, mindestens {MIN_KEY_LENGTH} "
                                  f"sind nötig: {_HOW_TO_MAKE_ONE}.")
        return data
    raise MissingKeyError(
        "Kein Pseudonymisierungsschlüssel: KJH_PSEUDONYM_KEY oder KJH_PSEUDONYM_KEY_FILE setzen "
        "(für die Demodaten: kjh demo)."
    )


def install_hmac_macro(con, key: bytes) -> None:
    """Define pseudonym(text) in this connection: hex HMAC-SHA256 under `key`.

    HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); DuckDB's sha256 takes BLOBs.
    """
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\x00")
    ipad = bytes(b ^ 0x36 for b in key).hex()
    opad = bytes(b ^ 0x5C for b in key).hex()
    con.execute(
        f"""
        create or replace temp macro pseudonym(v) as
            sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(v))))
        """
    )
