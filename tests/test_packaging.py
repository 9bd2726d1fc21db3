"""The built wheel carries workbook_templates/ and macros/, and resources.py finds them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDERS = ("workbook_templates", "macros")

# Run inside the installed wheel: lists every file resources.py can see, with its hash.
LIST_INSTALLED = """
import hashlib, json
from perfeval_xl import resources
listing = {}
for name, folder in (("workbook_templates", resources.templates_dir()), ("macros", resources.macros_dir())):
    files = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*") if path.is_file()
    }
    listing[name] = {"folder": str(folder), "files": files}
print(json.dumps(listing))
"""


def repo_files(name: str) -> dict[str, str]:
    folder = REPO_ROOT / name
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def run(command: list[str | Path], cwd: Path) -> str:
    # No PYTHONPATH: the checks must see the installed wheel, never the source tree.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [str(part) for part in command],
        check=False,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_ships_templates_and_macros(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO_ROOT], cwd=tmp_path)
    (wheel,) = dist.glob("perfeval_xl-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], cwd=tmp_path)

    listing = json.loads(run([python, "-c", LIST_INSTALLED], cwd=tmp_path))

    for name in DATA_FOLDERS:
        expected = repo_files(name)
        assert expected, f"{name}/ is empty in the repository"
        assert Path(listing[name]["folder"]).is_relative_to(venv), listing[name]["folder"]
        assert listing[name]["files"] == expected
