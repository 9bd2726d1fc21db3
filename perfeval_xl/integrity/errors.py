"""The exception raised for the bureau's own key-file problems; wording comes from the catalogue."""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.findings.catalogue import CATALOGUE, message


class IntegrityError(Exception):
    """A key-file problem with a catalogue code; `str()` is English, `.message("zh")` for users."""

    def __init__(self, code: str, **params: str | int | Path) -> None:
        if code not in CATALOGUE:
            raise ValueError(f"unknown integrity code {code}")
        self.code = code
        self.params: dict[str, str | int] = {
            k: str(v) if isinstance(v, Path) else v for k, v in params.items()
        }
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return message(self.code, self.params, lang)
