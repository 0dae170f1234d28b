"""Citations for a release, from the CITATION.cff it carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ReleaseError


def release_citation(source: Path, version: str) -> str:
    """The project's CITATION.cff with ``version`` set to the release's."""
    data = load_cff(source)
    data["version"] = version
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def load_cff(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ReleaseError(f"{path}: cannot read the citation file: {error}") from error
    if not isinstance(data, dict) or "title" not in data:
        raise ReleaseError(f"{path}: not a CITATION.cff file (no title)")
    return data


def pinned_cff(data: dict[str, Any], manifest_sha256: str) -> str:
    """The release's CITATION.cff with the manifest's sha256 as an identifier, so the citation pins the bytes.

    >>> print(pinned_cff({"cff-version": "1.2.0", "title": "cadrespeech"}, "ab" * 32).splitlines()[-3])
    - type: other
    """
    identifier = {"type": "other", "value": f"sha256:{manifest_sha256}", "description": "sha256 of the release's manifest.json"}
    pinned = {**data, "identifiers": [*data.get("identifiers", []), identifier]}
    return yaml.safe_dump(pinned, sort_keys=False, allow_unicode=True, width=1000)


def bibtex(data: dict[str, Any], manifest_sha256: str | None = None) -> str:
    """A BibTeX @misc entry naming the release version.

    >>> print(bibtex({"title": "cadrespeech", "version": "0.1.0", "authors": [{"name": "Team"}]}))
    @misc{cadrespeech_v0_1_0,
      title = {cadrespeech (version 0.1.0)},
      author = {{Team}},
      version = {0.1.0},
    }
    """
    version = str(data.get("version", ""))
    fields = {
        "title": f"{data['title']} (version {version})",
        "author": " and ".join(_bibtex_name(author) for author in data.get("authors", [])),
        "year": str(data["date-released"])[:4] if data.get("date-released") else None,
        "version": version,
        "url": data.get("url") or data.get("repository-code"),
        "note": f"Release v{version}, manifest sha256 {manifest_sha256}" if manifest_sha256 else None,
    }
    key = "cadrespeech_v" + version.replace(".", "_")
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items() if value)
    return f"@misc{{{key},\n{body}}}"


def _bibtex_name(author: dict[str, Any]) -> str:
    if "family-names" in author:
        return f"{author['family-names']}, {author.get('given-names', '')}".strip(", ")
    return "{" + str(author.get("name", "")) + "}"
