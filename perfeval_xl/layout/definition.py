"""The issued definition carried inside each workbook's _meta sheet.

A returned workbook then describes itself: `perfeval check` can rebuild the exact
layout it was issued with (and verify the signature, which covers these cells) on
any PC, without the bureau's register. The collector still compares with the
register, which the units never hold.
"""

from __future__ import annotations

import base64
import json
import zlib

from pydantic import BaseModel, ConfigDict

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.model import Batch, Project
from perfeval_xl.model.framework import Framework

CHUNK = 30_000  # below Excel's 32,767 characters per cell
MAX_DECODED = 16 * 1024 * 1024  # a returned file's definition is untrusted: bound its expansion
PREFIX = "definition_"


class IssuedDefinition(BaseModel):
    model_config = ConfigDict(frozen=True)

    batch: Batch
    profile: ScoringProfile
    framework: Framework
    project: Project


def encode(definition: IssuedDefinition) -> list[str]:
    """zlib + base64 of the JSON (keys sorted: equal definitions encode equally), in cell-sized chunks."""
    raw = json.dumps(definition.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                     separators=(",", ":")).encode("utf-8")
    text = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def decode(chunks: list[str]) -> IssuedDefinition:
    """Raises ValueError when the chunks do not decode to a definition (or would inflate beyond MAX_DECODED)."""
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode("".join(chunks), validate=True), MAX_DECODED)
    except (zlib.error, ValueError) as exc:
        raise ValueError(f"definition does not decode: {exc}") from None
    if inflater.unconsumed_tail:
        raise ValueError(f"definition expands beyond {MAX_DECODED} bytes")
    return IssuedDefinition.model_validate_json(raw)


def chunks_from_meta(meta: dict[str, str]) -> list[str]:
    """The definition chunks of a _meta mapping, in order."""
    numbered = sorted((int(k[len(PREFIX):]), v) for k, v in meta.items()
                      if k.startswith(PREFIX) and k[len(PREFIX):].isdigit())
    return [v for _, v in numbered]
