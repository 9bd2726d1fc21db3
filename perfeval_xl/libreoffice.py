"""LibreOffice as a recalculation oracle for tests, the demo and benchmarks.

Production scoring never depends on LibreOffice; this module only answers "what
does a real spreadsheet compute for this workbook?". Two facts shape it
(REFERENCE §9):

* By default LibreOffice keeps the cached results stored in a file. A dedicated,
  throwaway user profile whose registry sets the OOXML/ODF "recalculation on load"
  mode to 0 (always) forces every formula to be recomputed.
* One soffice call with many files is far cheaper than one call per file, but a
  call with several hundred files was seen to convert only some of them without
  any error. Files therefore go in chunks, and every expected output is checked.

Each public call uses its own profile, so concurrent calls (pytest-xdist workers,
parallel benchmarks) never share a running LibreOffice instance.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_TIMEOUT",
    "MAX_CHUNK_SIZE",
    "LibreOfficeError",
    "convert_to_pdf",
    "find_soffice",
    "recalculate",
]

DEFAULT_CHUNK_SIZE = 150
# Chunks of up to 200 files were reliable; a call with ~400 files was not.
MAX_CHUNK_SIZE = 200
# Seconds allowed for one soffice call (one chunk); 150 small files take well under a minute.
DEFAULT_TIMEOUT = 600.0

INPUT_SUFFIXES = frozenset({".xlsx", ".xlsm"})

# Value 0 = "always recalculate" for files in OOXML (xlsx/xlsm) and ODF formats.
_RECALC_ALWAYS_XCU = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Where LibreOffice lives when it is not on PATH (Debian keeps the real binary in
# /usr/lib; the upstream packages install under /opt; macOS and Windows defaults).
_KNOWN_LOCATIONS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


class LibreOfficeError(RuntimeError):
    """soffice is missing, failed, timed out, or did not write every expected file.

    `missing` names the input files whose output never appeared; `stderr` and
    `stdout` are soffice's own output for the failing call.
    """

    def __init__(
        self,
        message: str,
        *,
        missing: Sequence[Path] = (),
        stderr: str = "",
        stdout: str = "",
    ) -> None:
        self.missing = tuple(missing)
        self.stderr = stderr
        self.stdout = stdout
        parts = [message]
        if self.missing:
            parts.append("no output for: " + ", ".join(str(path) for path in self.missing))
        if stderr.strip():
            parts.append("soffice stderr:\n" + stderr.strip())
        if stdout.strip():
            parts.append("soffice stdout:\n" + stdout.strip())
        super().__init__("\n".join(parts))


@dataclass(frozen=True)
class _Target:
    convert_to: str  # soffice's --convert-to argument: "extension:filter name"
    suffix: str


_XLSX = _Target(convert_to="xlsx:Calc MS Excel 2007 XML", suffix=".xlsx")
_PDF = _Target(convert_to="pdf:calc_pdf_Export", suffix=".pdf")


def find_soffice() -> Path | None:
    """Return the LibreOffice executable, or None when it is not installed.

    The environment variable PERFEVAL_SOFFICE, when set, names the executable and
    is the only place looked at; otherwise PATH, then the usual install locations.
    """
    override = os.environ.get("PERFEVAL_SOFFICE")
    if override:
        path = Path(override)
        return path if path.is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for pattern in _KNOWN_LOCATIONS:
        for match in sorted(glob.glob(pattern)):
            if os.access(match, os.X_OK):
                return Path(match)
    return None


def recalculate(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Recalculate every formula of each workbook and save it as xlsx in `out_dir`.

    Inputs are .xlsx or .xlsm files; each output is `out_dir/<stem>.xlsx` (an .xlsm
    comes back as .xlsx, without its VBA), holding LibreOffice's freshly computed
    cached values. Returns the output paths in input order. An existing file of the
    same name in `out_dir` is replaced. `timeout` applies to each soffice call (one
    call per chunk of at most `chunk_size` files).

    Raises ValueError for bad arguments (before starting LibreOffice) and
    LibreOfficeError when soffice is missing, fails, times out or skips a file.
    """
    return _convert(paths, out_dir, _XLSX, chunk_size=chunk_size, timeout=timeout, soffice=soffice)


def convert_to_pdf(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Render each workbook to `out_dir/<stem>.pdf` after a forced recalculation.

    Same arguments, chunking, checks and errors as `recalculate`. Chinese text
    needs a CJK font on the machine (Debian: fonts-noto-cjk), or it prints as boxes.
    """
    return _convert(paths, out_dir, _PDF, chunk_size=chunk_size, timeout=timeout, soffice=soffice)


def _convert(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    target: _Target,
    *,
    chunk_size: int,
    timeout: float,
    soffice: str | os.PathLike[str] | None,
) -> list[Path]:
    inputs = [Path(path).resolve() for path in paths]
    out = Path(out_dir).resolve()
    _validate(inputs, out, target, chunk_size=chunk_size, timeout=timeout)
    if not inputs:
        return []
    executable = Path(soffice) if soffice is not None else find_soffice()
    if executable is None:
        raise LibreOfficeError(
            "LibreOffice (soffice) not found: install it (Debian: apt-get install "
            "libreoffice-calc-nogui) or set PERFEVAL_SOFFICE"
        )
    out.mkdir(parents=True, exist_ok=True)
    outputs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="perfeval-lo-profile-") as profile:
        profile_dir = Path(profile)
        (profile_dir / "user").mkdir()
        (profile_dir / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS_XCU, encoding="utf-8")
        for start in range(0, len(inputs), chunk_size):
            chunk = inputs[start : start + chunk_size]
            outputs.extend(_convert_chunk(executable, profile_dir, chunk, out, target, timeout))
    return outputs


def _validate(inputs: list[Path], out: Path, target: _Target, *, chunk_size: int, timeout: float) -> None:
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}, got {chunk_size}")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    seen: dict[str, Path] = {}
    for path in inputs:
        if path.suffix.lower() not in INPUT_SUFFIXES:
            raise ValueError(f"not an .xlsx/.xlsm workbook: {path}")
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        # soffice names outputs by stem only; compare case-folded because macOS and
        # Windows file systems would make "A" and "a" the same output file.
        key = path.stem.casefold()
        if key in seen:
            raise ValueError(
                f"two inputs would write the same output {path.stem}{target.suffix}: {seen[key]} and {path}"
            )
        seen[key] = path
        if out / (path.stem + target.suffix) == path:
            raise ValueError(f"output would overwrite its input {path}: choose another out_dir")


def _convert_chunk(
    executable: Path,
    profile_dir: Path,
    chunk: list[Path],
    out: Path,
    target: _Target,
    timeout: float,
) -> list[Path]:
    # Convert into a fresh staging folder inside out_dir, so a stale file left in
    # out_dir can never pass for a new output, and the final move is an atomic rename.
    with tempfile.TemporaryDirectory(prefix=".soffice-", dir=out) as staging:
        staging_dir = Path(staging)
        command = [
            str(executable),
            f"-env:UserInstallation={profile_dir.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target.convert_to,
            "--outdir",
            str(staging_dir),
            *(str(path) for path in chunk),
        ]
        stdout, stderr = _run(command, timeout)
        produced = [staging_dir / (path.stem + target.suffix) for path in chunk]
        missing = [src for src, dst in zip(chunk, produced) if not dst.is_file() or dst.stat().st_size == 0]
        if missing:
            raise LibreOfficeError(
                f"soffice converted {len(chunk) - len(missing)} of {len(chunk)} files",
                missing=missing,
                stderr=stderr,
                stdout=stdout,
            )
        finals = [out / dst.name for dst in produced]
        for dst, final in zip(produced, finals):
            os.replace(dst, final)
    return finals


def _run(command: list[str], timeout: float) -> tuple[str, str]:
    """Run soffice; kill its whole process group on timeout (the launcher forks soffice.bin)."""
    posix = os.name == "posix"
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=posix,
        )
    except OSError as exc:
        raise LibreOfficeError(f"cannot start {command[0]}: {exc}") from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        stdout, stderr = process.communicate()
        raise LibreOfficeError(f"soffice did not finish within {timeout:g} s", stderr=stderr, stdout=stdout) from None
    if process.returncode != 0:
        raise LibreOfficeError(f"soffice exited with status {process.returncode}", stderr=stderr, stdout=stdout)
    return stdout, stderr
