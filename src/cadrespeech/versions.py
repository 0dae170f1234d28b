"""Release version strings: X.Y.Z, compared as numbers."""

from __future__ import annotations

import re

from .errors import ReleaseError

VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def parse_version(text: str) -> str:
    """``"v0.1.0"`` -> ``"0.1.0"``; anything not X.Y.Z is a ``ReleaseError``.

    >>> parse_version("v1.10.0")
    '1.10.0'
    """
    version = text.removeprefix("v")
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"release version must look like 1.2.3, not {text!r}")
    return version


def is_version(text: str) -> bool:
    return VERSION.fullmatch(text) is not None


def version_key(version: str) -> tuple[int, ...]:
    """Sort key: 0.10.0 comes after 0.9.0."""
    return tuple(int(part) for part in version.split("."))
