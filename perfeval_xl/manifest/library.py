"""Frameworks and scoring profiles shipped in workbook_templates/ (or given as YAML paths)."""

from __future__ import annotations

from pathlib import Path

import yaml

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.model.framework import Framework
from perfeval_xl.resources import templates_dir


class LibraryError(ValueError):
    """A framework or profile that does not exist or does not load."""


def _yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise LibraryError(f"{path} does not hold a mapping")
    return data


def _named(folder: str) -> dict[str, Path]:
    return {p.stem: p for p in sorted((templates_dir() / folder).glob("*.yaml"))}


def framework_names() -> list[str]:
    return list(_named("frameworks"))


def profile_names() -> list[str]:
    return list(_named("profiles"))


def load_framework(name: str) -> Framework:
    """A framework by id, by its Chinese name, or from a YAML path."""
    known = _named("frameworks")
    path = known.get(name)
    if path is None:
        for candidate in known.values():
            if _yaml(candidate).get("name") == name:
                path = candidate
                break
    if path is None and Path(name).suffix in (".yaml", ".yml") and Path(name).is_file():
        path = Path(name)
    if path is None:
        raise LibraryError(f"unknown framework {name!r}; known: {', '.join(known)}")
    try:
        return Framework.model_validate(_yaml(path))
    except ValueError as exc:
        raise LibraryError(f"framework {path} is invalid: {exc}") from exc


def load_profile(name: str) -> ScoringProfile:
    """A scoring profile by name or from a YAML path; unknown options are refused."""
    known = _named("profiles")
    path = known.get(name)
    if path is None and Path(name).suffix in (".yaml", ".yml") and Path(name).is_file():
        path = Path(name)
    if path is None:
        raise LibraryError(f"unknown scoring profile {name!r}; known: {', '.join(known)}")
    try:
        return ScoringProfile.model_validate(_yaml(path))
    except ValueError as exc:
        raise LibraryError(f"scoring profile {path} is invalid: {exc}") from exc
