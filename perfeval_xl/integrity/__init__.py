"""Integrity primitives: batch keys, canonical payload bytes, Ed25519 signatures, formula normalisation.

Independent of the workbook layout: the generator and the collector both build the
signed payload with `build_payload` and sign or verify it here (REFERENCE §10,
docs/decisions/0005-integrity-signatures.md).
"""
