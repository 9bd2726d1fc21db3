"""Write one project's workbook: layout, signature, (optional) inputs, cached engine results."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.integrity.issue import formula_texts, payload_message, sign_layout, with_meta
from perfeval_xl.integrity.keys import KeyPair
from perfeval_xl.integrity.register import RegisterEntry
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.flavour import NATIVE, Flavour
from perfeval_xl.layout.mapping import expected_values, input_values
from perfeval_xl.model import Batch, Project, ProjectInputs
from perfeval_xl.model.framework import Framework
from perfeval_xl.writer.xlsx import write_workbook
from perfeval_xl.writer.xlwings_template import vba_project as template_vba_project


def public_key_text(keypair: KeyPair) -> str:
    return base64.b64encode(keypair.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


class IssueError(ValueError):
    """The batch names a different signing key than the one given."""


def issue_date(batch: Batch) -> dt.datetime:
    """The fixed document date of a batch's workbooks (keeps output byte-identical)."""
    return dt.datetime(batch.year + 1, 1, 1)


def issued_layout(
    batch: Batch,
    project: Project,
    profile: ScoringProfile,
    framework: Framework,
    keypair: KeyPair | None = None,
    previous: RegisterEntry | None = None,
    flavour: Flavour = NATIVE,
) -> tuple[WorkbookLayout, str]:
    """The layout as issued: key id and version in _meta, signed; and its payload hash.

    The version stays the previous one when the locked content is unchanged, so
    regenerating a batch is idempotent; a corrected form gets the next version.
    """
    if keypair is not None and batch.key_id and batch.key_id != keypair.key_id:
        raise IssueError(f"清单指定的密钥 {batch.key_id} 与所给私钥 {keypair.key_id} 不一致")
    version = previous.issued_version if previous else 1
    layout = build_layout(batch, project, profile, framework, issued_version=version, flavour=flavour)
    with_meta(layout, key_id=keypair.key_id if keypair else "")
    # The payload is encoded once: its SHA-256 is registered and the same bytes are signed.
    message = payload_message(layout)
    digest = hashlib.sha256(message).hexdigest()
    if previous is not None and digest != previous.payload_hash:
        version += 1
        with_meta(layout, issued_version=str(version))
        message = payload_message(layout)
        digest = hashlib.sha256(message).hexdigest()
    if keypair is not None:
        sign_layout(layout, keypair, message)
    return layout, digest


def write_project(
    path: Path,
    batch: Batch,
    project: Project,
    profile: ScoringProfile,
    framework: Framework,
    inputs: ProjectInputs | None = None,
    keypair: KeyPair | None = None,
    previous: RegisterEntry | None = None,
    flavour: Flavour = NATIVE,
    vba_project: bytes | None = None,
) -> RegisterEntry:
    """Write the workbook; formula cells carry the engine's results for `inputs` (blank when None).

    A macro flavour (xlwings) gets `vba_project`, read from the installed xlwings when not given;
    `path` should then end in the flavour's suffix (.xlsm).
    """
    layout, digest = issued_layout(batch, project, profile, framework, keypair, previous, flavour)
    if flavour.macros and vba_project is None:
        vba_project = template_vba_project()
    filled = inputs or ProjectInputs(project_id=project.id)
    result = evaluate(project, filled, profile)
    write_workbook(
        layout,
        path,
        password=batch.protection_password,
        created=issue_date(batch),
        title=f"{batch.year}年度项目支出绩效自评：{project.name}",
        author=batch.bureau,
        inputs=input_values(layout, project, filled, profile.not_applicable_label) if inputs else None,
        cached=expected_values(layout, project, result),
        vba_project=vba_project if flavour.macros else None,
    )
    return RegisterEntry(
        project_id=project.id,
        issued_version=int(layout.locate("meta:issued_version")[1].value),
        file=path.name,
        file_format=path.suffix.lstrip("."),
        payload_hash=digest,
        key_id=keypair.key_id if keypair else None,
        public_key=public_key_text(keypair) if keypair else None,
        form_version=layout.version,
        sheets=tuple(s.name for s in layout.sheets),
        formulas=formula_texts(layout),
        vba_hash=hashlib.sha256(vba_project).hexdigest() if flavour.macros and vba_project else None,
        batch=batch,
        profile=profile,
        framework=framework,
        project=project,
    )
