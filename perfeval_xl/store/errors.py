"""The exception raised for problems with the bureau's own setup; wording comes from the catalogue."""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.findings.catalogue import CATALOGUE, message


class StoreError(Exception):
    """A store problem with a catalogue code; `str()` is English, `.message("zh")` for users."""

    def __init__(self, code: str, **params: str | int | Path | None) -> None:
        if code not in CATALOGUE:
            raise ValueError(f"unknown store code {code}")
        self.code = code
        self.params: dict[str, str | int | None] = {
            k: str(v) if isinstance(v, Path) else v for k, v in params.items()
        }
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return message(self.code, self.params, lang)


class LockBusy(StoreError):
    """Another collector holds the single-instance lock."""
