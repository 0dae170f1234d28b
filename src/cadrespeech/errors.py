"""The errors cadrespeech raises; all carry the file and a reason a person can act on."""

from __future__ import annotations


class CadrespeechError(Exception):
    """Base class: anything the command line turns into one line on stderr."""


class PageError(CadrespeechError):
    """A page that could not be processed; it goes into the build report, never vanishes."""

    def __init__(self, path: str, stage: str, reason: str) -> None:
        super().__init__(f"{path}: {stage}: {reason}")
        self.path = path
        self.stage = stage
        self.reason = reason


class ReleaseError(CadrespeechError):
    """A release that cannot be written, found or trusted."""


class ReleaseExists(ReleaseError):
    """A build of a version that exists with different bytes: releases are immutable."""
