"""The main job on the bundled sample batch (`perfeval demo`).

Each step is the same library call a bureau's command makes; the demo only chains
them on samples/ and writes everything under one output folder it owns.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from perfeval_xl.api import ScoredBatch, load_batch
from perfeval_xl.integrity.keys import generate_keypair, write_private_key, write_public_key
from perfeval_xl.manifest import read_manifest
from perfeval_xl.writer.generate import generate

MARKER = ".perfeval-demo"


class DemoError(Exception):
    """The demo cannot run (its output folder belongs to something else)."""


@dataclass
class DemoResult:
    out: Path
    forms: list[Path]
    register: Path
    public_key: Path
    batch: ScoredBatch
    steps: list[str] = field(default_factory=list)


def samples_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / "manifest.yaml").is_file():
            return candidate
    raise DemoError("找不到示例批次 samples/manifest.yaml")


def prepare_output(out: Path) -> None:
    """Start from an empty folder; only a folder an earlier demo made may be cleared."""
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise DemoError(f"{out} 不是示例输出文件夹且不为空；请换一个 --out。")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("perfeval demo output; safe to delete\n", encoding="utf-8")


def run_demo(out: Path, workers: int | None = None) -> DemoResult:
    samples = samples_dir()
    prepare_output(out)
    manifest_path, inputs_path = samples / "manifest.yaml", samples / "inputs.yaml"
    loaded = read_manifest(manifest_path)
    keys = out / "keys"
    keys.mkdir()
    pair = generate_keypair(loaded.manifest.batch.batch_id)
    # A throwaway demo key inside the demo folder; a bureau keeps its key outside any project.
    private = write_private_key(pair, keys / "demo.key", force=True)
    public = write_public_key(pair, keys / "demo.pub")
    forms = generate(loaded, out / "forms", key_path=private, workers=workers,
                     register_path=out / "forms.register.jsonl")
    batch = load_batch(manifest_path, inputs_path)
    return DemoResult(out=out, forms=forms, register=out / "forms.register.jsonl", public_key=public, batch=batch,
                      steps=["generate", "score"])
