"""Check that an optimisation changed nothing: same workbook bytes, same engine results.

    PYTHONPATH=. python bench/check_identical.py --against 365b142 [--manifest M --inputs I] [--engine-set N]

Exports the package at git revision REV (`git archive`) into a temporary folder, then
with both that code and the working tree:

- generates the sample batch twice in a fresh process each: blank forms signed with a
  throwaway key, and prefilled returns (samples/inputs.yaml), and hashes every file
  and the issuance register;
- scores the sample batch (and, with --engine-set N, the first N projects of the
  benchmark corpus with their inputs) and dumps every result with `model_dump()`.

Exits non-zero and lists the differences if any byte or value differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r'''
import hashlib, json, pickle, sys, gc
from pathlib import Path
import perfeval_xl
assert Path(perfeval_xl.__file__).resolve().is_relative_to(Path.cwd().resolve()), perfeval_xl.__file__
from perfeval_xl.api import load_batch
from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.manifest import load_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.writer.generate import generate

out, key, manifest, inputs, engine_manifest, engine_inputs, engine_n = sys.argv[1:8]
out = Path(out)
loaded = load_manifest(manifest)
given, _ = read_inputs(inputs, loaded.manifest)
hashes = {}
for name, kwargs in (("blank", {}), ("filled", {"inputs": given})):
    paths = generate(loaded, out / name, key_path=Path(key), workers=2, **kwargs)
    for p in sorted((out / name).iterdir()):
        hashes[f"{name}/{p.name}"] = hashlib.sha256(p.read_bytes()).hexdigest()
    reg = out / f"{name}.register.jsonl"
    hashes[f"{name}.register.jsonl"] = hashlib.sha256(reg.read_bytes()).hexdigest()
batch = load_batch(manifest, inputs)
results = {pid: r.model_dump() for pid, r in batch.results.items()}
if engine_manifest:
    em = load_manifest(engine_manifest)
    projects = em.manifest.projects[: int(engine_n)]
    ei = json.loads(Path(engine_inputs).read_text(encoding="utf-8"))
    keep = {p.id for p in projects}
    ei["projects"] = {k: v for k, v in ei["projects"].items() if k in keep}
    tmp = out / "engine_inputs.json"
    tmp.write_text(json.dumps(ei, ensure_ascii=False), encoding="utf-8")
    import types
    sub = types.SimpleNamespace(project=lambda pid, _m={p.id: p for p in projects}: _m.get(pid))
    given2, _ = read_inputs(tmp, sub)
    for p in projects:
        results["corpus:" + p.id] = evaluate(p, given2.get(p.id), em.profile).model_dump()
(out / "hashes.json").write_text(json.dumps(hashes, indent=1))
(out / "results.pkl").write_bytes(pickle.dumps(results))
'''


def export_code(rev: str, dest: Path) -> None:
    """The package (and the files it reads) at git revision `rev`, unpacked into a new folder `dest`."""
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "perfeval_xl", "workbook_templates", "macros"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def run(code_root: Path, out: Path, args: argparse.Namespace, key: Path) -> tuple[dict, dict]:
    out.mkdir(parents=True)
    env = {"PYTHONPATH": str(code_root), "PATH": "/usr/bin:/bin"}
    # Run inside code_root: `python -c` puts the working directory first on sys.path.
    subprocess.run([sys.executable, "-c", _CHILD, str(out), str(key), str(args.manifest.resolve()),
                    str(args.inputs.resolve()), str(args.engine_manifest or ""), str(args.engine_inputs or ""),
                    str(args.engine_set)], check=True, env=env, cwd=str(code_root))
    return json.loads((out / "hashes.json").read_text()), pickle.loads((out / "results.pkl").read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="git revision with the code before the change")
    parser.add_argument("--manifest", type=Path, default=ROOT / "samples" / "manifest.yaml")
    parser.add_argument("--inputs", type=Path, default=ROOT / "samples" / "inputs.yaml")
    parser.add_argument("--engine-set", type=int, default=0,
                        help="also score the first N projects of bench/corpus/n10000 with their inputs")
    args = parser.parse_args()
    args.engine_manifest = args.engine_inputs = None
    if args.engine_set:
        corpus = ROOT / "bench" / "corpus" / "n10000"
        args.engine_manifest, args.engine_inputs = corpus / "manifest.json", corpus / "inputs.json"
    with tempfile.TemporaryDirectory(prefix="perfeval-identical-") as tmp:
        tmp_path = Path(tmp)
        before_code = tmp_path / "before"
        export_code(args.against, before_code)
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: F401

        sys.path.insert(0, str(ROOT))
        from perfeval_xl.integrity.keys import generate_keypair, write_private_key

        batch_id = "2024-ZP-SAMPLE"
        key = tmp_path / "keys" / "batch.key"
        key.parent.mkdir()
        write_private_key(generate_keypair(batch_id), key, force=True)
        h_before, r_before = run(before_code, tmp_path / "out-before", args, key)
        h_after, r_after = run(ROOT, tmp_path / "out-after", args, key)
    problems = [name for name in sorted(set(h_before) | set(h_after)) if h_before.get(name) != h_after.get(name)]
    problems += [f"result {pid}" for pid in sorted(set(r_before) | set(r_after)) if r_before.get(pid) != r_after.get(pid)]
    print(f"{len(h_before)} files and registers, {len(r_before)} engine results compared against {args.against}")
    if problems:
        print("DIFFERENT:", *problems[:40], sep="\n  ")
        return 1
    print("identical: every byte of every workbook and register, every engine result")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
