"""The report key, the signature of an issued report, and its verification code.

Tamper evidence is an HMAC-SHA256 over the issued report's canonical bytes (number, organization
code, as-of date, generation time, verification code, content) under a server key that is kept out of
the database: ``SOCREDIT_REPORT_KEY_FILE`` (default ``var/report_key``, generated once, mode 600, like
the secret key). Whoever can write the database but not read that file cannot issue or alter a
report that verifies. Why an HMAC and not a public-key signature: docs/reports.md.

The verification code (验证码) is 12 characters of Crockford's base-32 alphabet (60 random bits),
printed in groups of four (``7KQ2-M9XD-3FHT``); typing it is forgiving: case, spaces and hyphens do
not matter, and O/I/L read as 0/1/1.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from functools import cache
from typing import Any

from django.conf import settings

from socredit.common.security import secret_key_from_file

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 12
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def canonical_json(value: Any) -> str:
    """The one serialisation signed and stored: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@cache
def _key_from(path: str) -> bytes:
    return secret_key_from_file(path).encode("ascii")


def report_key() -> bytes:
    """The server's report key (read once per process from its file, created there the first time)."""
    return _key_from(str(settings.SOCREDIT_REPORT_KEY_FILE))


def sign(payload: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) of the payload's canonical JSON under the report key."""
    return hmac.new(report_key(), canonical_json(payload).encode("utf-8"), hashlib.sha256).hexdigest()


def signature_valid(payload: dict[str, Any], signature: str) -> bool:
    return hmac.compare_digest(sign(payload), signature)


def new_code() -> str:
    """A fresh verification code (12 characters, unformatted)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``7KQ2M9XD3FHT`` → ``7KQ2-M9XD-3FHT`` (as printed)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str | None:
    """The code as stored, from what someone typed; None when it cannot be a verification code."""
    if not text or len(text) > 40:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    return code if _CODE.fullmatch(code) else None
