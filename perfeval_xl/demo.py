"""The main job on the bundled sample batch (`perfeval demo`).

Each step is the same library call a bureau's command makes; the demo only chains
them on samples/ and writes everything under one output folder it owns:

    keys/  forms/  forms.register.jsonl   generate (signed)
    returns/  receipts.csv                  the units' returns, simulated
    collect/                                database, archive, CSV exports
    汇总.xlsx  summary-csv/                  the consolidated summary
    feedback/                               annotated copies and 退回通知 letters
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from perfeval_xl.api import ScoredBatch, load_batch
from perfeval_xl.collect import CollectOptions, CollectResult, collect
from perfeval_xl.integrity.keys import generate_keypair, write_private_key, write_public_key
from perfeval_xl.libreoffice import find_soffice, recalculate
from perfeval_xl.manifest import read_manifest
from perfeval_xl.simulate.returns import SimulatedReturn, simulate_returns
from perfeval_xl.writer.generate import generate

MARKER = ".perfeval-demo"
SIMULATED_NOTE = ("这些回收文件由 perfeval demo 模拟生成：{how}。\n"
                  "This folder's returns were simulated by perfeval demo: {how_en}.\n")

Step = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot run (its output folder belongs to something else)."""


@dataclass
class DemoResult:
    out: Path
    forms: list[Path]
    register: Path
    public_key: Path
    batch: ScoredBatch
    returns: list[SimulatedReturn]
    recalculated_by: str  # "LibreOffice" or "engine (simulated)"
    collected: CollectResult
    summary: Path
    feedback: list[Path] = field(default_factory=list)


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


def run_demo(out: Path, workers: int | None = None, use_libreoffice: bool = True,
             step: Step | None = None) -> DemoResult:
    say = step or (lambda _text: None)
    samples = samples_dir()
    prepare_output(out)
    manifest_path, inputs_path = samples / "manifest.yaml", samples / "inputs.yaml"
    loaded = read_manifest(manifest_path)
    assert loaded.manifest is not None and loaded.profile is not None
    keys = out / "keys"
    keys.mkdir()
    pair = generate_keypair(loaded.manifest.batch.batch_id)
    # A throwaway demo key inside the demo folder; a bureau keeps its key outside any project.
    private = write_private_key(pair, keys / "demo.key", force=True)
    public = write_public_key(pair, keys / "demo.pub")
    register = out / "forms.register.jsonl"
    say("generate")
    forms = generate(loaded, out / "forms", key_path=private, workers=workers, register_path=register)

    say("returns")
    batch = load_batch(manifest_path, inputs_path)
    returns, receipts = simulate_returns(loaded.manifest, loaded.profile, loaded.frameworks, batch.inputs, pair, out)
    soffice = find_soffice() if use_libreoffice else None
    recalculated_by = _recalculate(out / "returns", returns) if soffice else "engine (simulated)"
    how = ("已用 LibreOffice 重新计算并保存（缓存值与真实报送相同）" if soffice
           else "公式缓存值由计分引擎写入（模拟，本机未安装 LibreOffice）")
    how_en = ("recalculated and saved by LibreOffice, so cached values are real" if soffice
              else "the engine's results written as cached values (no LibreOffice on this machine)")
    (out / "returns-README.txt").write_text(SIMULATED_NOTE.format(how=how, how_en=how_en), encoding="utf-8")

    say("collect")
    options = CollectOptions(returns=out / "returns", manifest=manifest_path, register=register,
                             work=out / "collect", receipts=receipts, workers=workers)
    collected = collect(options)

    say("summary")
    from perfeval_xl.commands.summary_cmd import write_summary_from_db

    summary = out / "汇总.xlsx"
    write_summary_from_db(options.database, summary, csv_dir=out / "summary-csv")
    say("feedback")
    from perfeval_xl.commands.feedback_cmd import write_feedback_from_db

    feedback = write_feedback_from_db(options.database, options.archive_dir, out / "feedback")
    return DemoResult(out=out, forms=forms, register=register, public_key=public, batch=batch, returns=returns,
                      recalculated_by=recalculated_by, collected=collected, summary=summary, feedback=feedback)


def _recalculate(folder: Path, returns: list[SimulatedReturn]) -> str:
    """Recalculate the honest returns with LibreOffice, as a unit's spreadsheet would save them."""
    honest = [folder / r.file for r in returns if r.recalculable]
    with tempfile.TemporaryDirectory(prefix="perfeval-demo-") as temp:
        done = recalculate(honest, Path(temp))
        for source, saved in zip(honest, done):
            shutil.move(saved, source)
    return "LibreOffice"
