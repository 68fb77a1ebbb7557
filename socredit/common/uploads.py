"""Checking uploaded evidence files (证明材料) before anything is stored.

The type is decided by the file's first bytes, not by its name or the browser's claim, and the
name's extension must agree: a renamed executable or HTML page is refused. PDF, OFD (the national
electronic-document format), JPEG and PNG are what authorities accept as scanned or signed proof.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings

from socredit.common.errors import FieldErrors

# (magic prefix, content type, accepted extensions)
SIGNATURES = (
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"PK\x03\x04", "application/ofd", {".ofd"}),
)
ACCEPTED = "PDF、OFD、JPG、PNG"
MAX_FILES = 10


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def max_bytes() -> int:
    return int(getattr(settings, "SOCREDIT_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def check_evidence(files: list[Any], field: str = "evidence") -> list[CheckedFile]:
    """Read and check every file; FieldErrors naming each bad file and why (nothing is stored)."""
    errors = FieldErrors()
    if len(files) > MAX_FILES:
        errors.add(field, f"最多上传{MAX_FILES}个文件，实为{len(files)}个")
        errors.raise_if_any()
    checked = []
    limit = max_bytes()
    for f in files:
        name = PurePath(str(getattr(f, "name", "") or "")).name[:200] or "未命名文件"
        size = int(getattr(f, "size", 0) or 0)
        if size > limit:
            errors.add(field, f"“{name}”大小为{size / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB")
            continue
        content = f.read()
        if len(content) > limit:
            errors.add(field, f"“{name}”超过大小上限{limit / 1048576:.0f} MB")
            continue
        if not content:
            errors.add(field, f"“{name}”是空文件")
            continue
        suffix = PurePath(name).suffix.lower()
        for magic, content_type, suffixes in SIGNATURES:
            if content.startswith(magic):
                if suffix not in suffixes:
                    errors.add(field, f"“{name}”的内容是{content_type}，与扩展名“{suffix or '无'}”不符")
                break
        else:
            errors.add(field, f"“{name}”的文件类型不被接受：只接受{ACCEPTED}")
            continue
        checked.append(
            CheckedFile(name, content_type, len(content), hashlib.sha256(content).hexdigest(), content)
        )
    errors.raise_if_any()
    return checked
