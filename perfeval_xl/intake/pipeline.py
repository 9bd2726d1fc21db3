"""Check returned workbooks: the per-file function the isolated workers run for `check`
(and `collect`), and the batch runner around it.

    check_file(path, options) -> FileReport
        gate → _meta (workbook.xml, custom properties, the _meta values) → definition →
        layout rebuilt as issued (first from what the signature covers, kept once it is
        found valid; see _check) → every sheet read once (values, formulas,
        cells outside the layout's rectangles) → bind → checks → the engine's recomputation
        → outcome
    check_files(paths, options, progress) -> [FileReport]   in input order, each file in a
        supervised worker; a worker that dies or times out gives that file a reject report

The run order of the checks is runners.py, with the integrity checks (signature, locked
content, formulas: integrity/verify.py) after the structure checks. Nothing here raises
for a bad file: every problem is a finding.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.findings import Finding, Location, Severity, finding
from perfeval_xl.intake.bind import bind, definition_from_meta, issued_layout_for
from perfeval_xl.intake.checks.context import CheckContext, run_checks
from perfeval_xl.intake.checks.runners import IDENTITY_CHECKS, RECOMPUTE_CHECKS, STRUCTURE_CHECKS, VALUE_CHECKS
from perfeval_xl.intake.isolation import (IsolatedPool, IsolationLimits, Outcome, ProgressCallback, in_input_order,
                                         start_workers_early)
from perfeval_xl.intake.models import GateLimits
from perfeval_xl.intake.reader import ReturnReader, WorkbookRead
from perfeval_xl.intake.report import FileReport, report_parts, without_findings
from perfeval_xl.integrity.checks.signature import signature_expected, signature_verified
from perfeval_xl.integrity.register import RegisterEntry, RegisterIndex, RegisterLines
from perfeval_xl.integrity.verify import INTEGRITY_CHECKS
from perfeval_xl.layout.contract import ACCEPTED_VERSIONS, WorkbookLayout
from perfeval_xl.model import ProjectInputs

_FACT_CHARS = 200  # of a _meta fact kept in the report (a hostile file may put megabytes there)


class CheckOptions(BaseModel):
    """What a check run is given besides the file; picklable (sent to every worker)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    public_keys: dict[str, bytes] = {}  # key id → raw Ed25519 public key, for the integrity checks
    gate: GateLimits = GateLimits()
    expected_batch: str | None = None  # the batch being checked or collected, when known
    expected_year: int | None = None
    register_path: str | None = None  # the issuance register (collect); each worker indexes it once
    # The register's line index, when the caller built it already (collect): the workers use it
    # instead of each reading the whole register again (185 MB, 0.7 s per worker at 10,000 projects).
    register_lines: RegisterLines | None = None


def check_file(path: str | os.PathLike[str], options: CheckOptions | None = None) -> FileReport:
    """Check one returned file; never raises for bad data (MemoryError is left to the isolation layer)."""
    path = os.fspath(path)
    digest, size = file_facts(path)
    try:
        return _check(path, digest, options or CheckOptions())
    except MemoryError:
        raise
    except Exception as exc:  # a bug in the pipeline must not lose the file's report
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return FileReport(file=path, sha256=digest, size=size,
                          findings=[finding("INTAKE_INTERNAL_ERROR", Location(file=path), detail=detail)])


def check_files(paths: Sequence[str | os.PathLike[str]], options: CheckOptions | None = None,
                progress: ProgressCallback | None = None,
                isolation: IsolationLimits | None = None) -> list[FileReport]:
    """One report per path, in input order; each file is checked in a supervised worker."""
    return list(iter_check_files(paths, options, progress, isolation))


def iter_check_files(paths: Sequence[str | os.PathLike[str]], options: CheckOptions | None = None,
                     progress: ProgressCallback | None = None,
                     isolation: IsolationLimits | None = None) -> Iterator[FileReport]:
    """`check_files` one report at a time, in input order, as the workers finish them."""
    for report, inputs_json in iter_checked(paths, options, progress, isolation):
        yield report if inputs_json is None else report.model_copy(
            update={"inputs": ProjectInputs.model_validate_json(inputs_json)})


def iter_checked(paths: Sequence[str | os.PathLike[str]], options: CheckOptions | None = None,
                 progress: ProgressCallback | None = None,
                 isolation: IsolationLimits | None = None) -> Iterator[tuple[FileReport, str | None]]:
    """`iter_check_files` with each report's inputs left as the JSON the worker wrote (report_parts):
    (the report without its inputs, their JSON or None)."""
    func = partial(_check_file_json, options=options or CheckOptions())
    with IsolatedPool(func, isolation) as pool:
        for outcome in in_input_order(pool.imap(paths, progress)):
            if outcome.ok:
                report_json, inputs_json = outcome.value
                yield FileReport.model_validate_json(report_json), inputs_json
            else:
                yield _worker_failed(outcome), None


def start_check_workers(isolation: IsolationLimits | None = None) -> None:
    """Let `iter_check_files`' workers start sooner: their fork server imports while the caller works."""
    start_workers_early(_check_file_json, isolation)


def _check_file_json(path: str, options: CheckOptions) -> tuple[str, str | None]:
    # Reports cross the pipe as JSON: half the CPU of pickling the nested models both ways.
    return report_parts(check_file(path, options))


def file_facts(path: str) -> tuple[str, int]:
    """SHA-256 and size of a regular file; ("", 0) for anything else (folders, devices, missing)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return "", 0
            return hashlib.file_digest(handle, "sha256").hexdigest(), info.st_size
    except OSError:
        return "", 0


def _check(path: str, digest: str, options: CheckOptions) -> FileReport:
    # When a signature will be verified, the layout is first rebuilt from what that signature
    # covers: the definition's chunks as _meta holds them (not encoded again) and, collecting, the
    # register's definition (not decoded from _meta). Together a tenth of the work after reading.
    # A signature found valid over that layout makes it the one issued, and every finding the same.
    # Otherwise the checks run again the usual way, on the sheets already read when the usual
    # layout covers the same areas, else on the file read again.
    report = _check_once(path, digest, options, presumed=True)
    return report if report is not None else _check_once(path, digest, options, presumed=False)


def _check_once(path: str, digest: str, options: CheckOptions, presumed: bool) -> FileReport | None:
    """The file's report; None when the sheets must be read again for the usual layout."""
    with ReturnReader(path, options.gate) as reader:
        read = reader.read
        gate_findings: list[Finding] = list(read.gate.findings)
        if not reader.read_meta():
            return _report(read, digest, gate_findings + read.findings)
        ctx = _context(read, options, _registered(options, read.meta))
        layout, findings, unconfirmed = _identified(ctx, gate_findings, presumed)
        if layout is None:
            return _report(read, digest, findings)
        areas = ctx.areas(layout)
        sheets_read = reader.read_sheets(areas)
    report = _checked(ctx, layout, findings, digest, unconfirmed) if sheets_read else None
    if report is None and unconfirmed:
        ctx = _context(read, options, ctx.register)
        layout, findings, _ = _identified(ctx, gate_findings, presumed=False)
        if layout is None:
            return _report(read, digest, findings)
        if ctx.areas(layout) != areas:
            return None
        report = _checked(ctx, layout, findings, digest, confirm=False) if sheets_read else None
    return report if report is not None else _report(read, digest, findings + read.findings)


def _context(read: WorkbookRead, options: CheckOptions, register: RegisterEntry | None) -> CheckContext:
    return CheckContext(read=read, public_keys=dict(_public_keys(tuple(options.public_keys.items()))),
                        expected_batch=options.expected_batch, expected_year=options.expected_year,
                        register=register)


def _identified(ctx: CheckContext, findings: list[Finding],
                presumed: bool) -> tuple[WorkbookLayout | None, list[Finding], bool]:
    """The layout, the findings with the identity checks', and whether the layout is presumed (still
    to be confirmed by the signature); no layout when the identity checks stop the run."""
    layout, presumed = _rebuild_layout(ctx, presumed and signature_expected(ctx))
    findings = findings + run_checks(ctx, IDENTITY_CHECKS)
    if layout is None or _rejected(findings):
        return None, findings, False
    return layout, findings, presumed


def _checked(ctx: CheckContext, layout: WorkbookLayout, findings: list[Finding], digest: str,
             confirm: bool) -> FileReport | None:
    """The checks after reading; with `confirm`, None unless the signature is valid over `layout`."""
    assert ctx.definition is not None
    ctx.bound = bind(ctx.read, layout, ctx.definition)
    findings = findings + run_checks(ctx, STRUCTURE_CHECKS)
    misplaced = _rejected(findings)
    findings += run_checks(ctx, INTEGRITY_CHECKS)
    if confirm and not signature_verified(ctx, layout):
        return None
    if not misplaced:
        findings += _recompute(ctx)
        if ctx.result is not None:
            findings += run_checks(ctx, VALUE_CHECKS)
            findings += run_checks(ctx, RECOMPUTE_CHECKS)
    return _report(ctx.read, digest, findings, ctx)


def _registered(options: CheckOptions, meta: dict[str, str]) -> RegisterEntry | None:
    """The register's entry for the version _meta names (None when not collecting or not issued)."""
    version = meta.get("issued_version", "")
    lines = options.register_lines
    if lines is None and options.register_path is not None:
        lines = _register_index(options.register_path).lines
    if lines is None or not version.isdigit():
        return None
    return lines.entry(meta.get("project_id", ""), int(version))


@lru_cache(maxsize=2)
def _public_keys(raw: tuple[tuple[str, bytes], ...]) -> tuple[tuple[str, Ed25519PublicKey], ...]:
    # Loaded once per worker process and key set, not once per file.
    return tuple((key_id, Ed25519PublicKey.from_public_bytes(key)) for key_id, key in raw)


@lru_cache(maxsize=2)
def _register_index(path: str) -> RegisterIndex:
    # One index per worker process and register, not one per file.
    return RegisterIndex(Path(path))


def _rebuild_layout(ctx: CheckContext, presumed: bool) -> tuple[WorkbookLayout | None, bool]:
    """Decode the definition in _meta and rebuild the layout as issued; on failure say why in the context.

    `presumed`: from what the signature covers instead (see _check), when that builds a layout; the
    second value says whether it did."""
    meta = ctx.read.meta
    if meta.get("form_version") not in ACCEPTED_VERSIONS:
        return None, False
    if presumed:
        entry = ctx.register
        try:
            definition = definition_from_meta(meta) if entry is None else entry.definition()
            layout = issued_layout_for(definition, meta, chunks_as_read=True)
        except MemoryError:
            raise
        except Exception:  # pydantic's ValidationError included: the usual way says why
            pass
        else:
            ctx.definition = definition
            return layout, True
    try:
        definition = definition_from_meta(meta)
    except ValueError as exc:  # pydantic's ValidationError included
        ctx.definition_error = str(exc).splitlines()[0][:200]
        return None, False
    try:
        layout = issued_layout_for(definition, meta)
    except MemoryError:
        raise
    except Exception as exc:  # a definition that decodes but describes no buildable form
        ctx.definition_error = f"{type(exc).__name__}: {exc}"[:200]
        return None, False
    ctx.definition = definition
    return layout, False


def _recompute(ctx: CheckContext) -> list[Finding]:
    """The engine's result for the inputs read, into the context."""
    assert ctx.bound is not None and ctx.definition is not None
    try:
        ctx.result = evaluate(ctx.definition.project, ctx.bound.inputs, ctx.definition.profile)
    except MemoryError:
        raise
    except Exception as exc:  # the engine's bug, not the file's
        return [finding("CHECK_INTERNAL_ERROR", Location(file=ctx.file), check="evaluate",
                        detail=f"{type(exc).__name__}: {exc}"[:300])]
    return []


def _rejected(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.REJECT for f in findings)


def _report(read: WorkbookRead, digest: str, findings: list[Finding], ctx: CheckContext | None = None) -> FileReport:
    def fact(key: str) -> str | None:
        value = read.meta.get(key) or read.properties.get(f"perfeval_{key}")
        return value[:_FACT_CHARS] if value else None

    version = fact("issued_version")
    bound = ctx.bound if ctx else None
    result = ctx.result if ctx else None
    return FileReport(
        file=read.path,
        sha256=digest,
        size=read.gate.size,
        format=read.gate.format,
        form_version=fact("form_version"),
        batch_id=fact("batch_id"),
        project_id=fact("project_id"),
        issued_version=int(version) if version and version.isdigit() and len(version) < 10 else None,
        findings=[f.at(file=read.path) for f in findings],
        inputs=bound.inputs if bound else None,
        result=without_findings(result) if result else None,
        has_cached_values=bound.has_cached_values if bound else None,
    )


def _worker_failed(outcome: Outcome) -> FileReport:
    digest, size = file_facts(outcome.path)
    return FileReport(file=outcome.path, sha256=digest, size=size, findings=list(outcome.findings))
