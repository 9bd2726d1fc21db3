"""Check that an intake optimisation changed no report: every return checked by both codes.

    PYTHONPATH=. python bench/intake_identical.py --against df26cd6 [--corpus bench/corpus/n1000]

Exports the package at git revision REV (as check_identical.py does), then, in a fresh
process for each code, runs `check_file` on every file of the corpus's returns/ with
the corpus's public keys and issuance register (as `collect` does) and writes each
FileReport as `model_dump(mode="json")`. Exits non-zero and lists the files whose
reports differ (findings, locations, severities, inputs, results, outcome).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from check_identical import ROOT, export_code

_CHILD = r'''
import base64, json, sys
from pathlib import Path
import perfeval_xl
assert Path(perfeval_xl.__file__).resolve().is_relative_to(Path.cwd().resolve()), perfeval_xl.__file__
from perfeval_xl.intake.pipeline import CheckOptions, check_file
from perfeval_xl.integrity.register import RegisterIndex

corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
register = corpus / "issued.register.jsonl"
keys = {k: base64.b64decode(v) for k, v in RegisterIndex(register).public_keys.items()}
options = CheckOptions(public_keys=keys, register_path=str(register))
with out.open("w", encoding="utf-8") as handle:
    for path in sorted((corpus / "returns").iterdir()):
        report = check_file(path, options).model_dump(mode="json")
        handle.write(json.dumps(report, ensure_ascii=False, sort_keys=True) + "\n")
'''


def reports(code_root: Path, corpus: Path, out: Path) -> list[str]:
    # Run inside code_root: `python -c` puts the working directory first on sys.path.
    subprocess.run([sys.executable, "-c", _CHILD, str(corpus), str(out)], check=True,
                   env={"PYTHONPATH": str(code_root), "PATH": "/usr/bin:/bin"}, cwd=str(code_root))
    return out.read_text(encoding="utf-8").splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="git revision with the code before the change")
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus" / "n1000")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    with tempfile.TemporaryDirectory(prefix="perfeval-intake-identical-") as tmp:
        before_code = Path(tmp) / "before"
        export_code(args.against, before_code)
        before = reports(before_code, corpus, Path(tmp) / "before.jsonl")
        after = reports(ROOT, corpus, Path(tmp) / "after.jsonl")
    names = [p.name for p in sorted((corpus / "returns").iterdir())]
    different = [name for name, a, b in zip(names, before, after, strict=True) if a != b]
    print(f"{len(names)} returns checked by both codes, against {args.against}")
    if different:
        print(f"DIFFERENT ({len(different)}):", *different[:40], sep="\n  ")
        return 1
    print("identical: every report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
