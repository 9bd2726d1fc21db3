"""Run the benchmarks against the baselines, on the corpora of bench/corpus.py.

    PYTHONPATH=. python bench/run.py [--sizes 1000,10000] [--only generate,engine,collect,read] [--reps 3]

Every figure comes from the real entry points — the `perfeval generate` and
`perfeval collect` command lines in child processes, `evaluate`/`evaluate_many` for
the engine — and every baseline is measured in the same run. Each measure is
repeated (--reps; the 10,000 generation and collection twice) and reported as best
and median wall time, with CPU time (user + system of the whole process tree) and
the peak memory of the whole process tree, sampled from /proc every 50 ms: the sum
of the processes' RSS (binding; shared pages count once per process) and of their
PSS (shared pages split between the processes sharing them).

Writes bench/results/results.json (every repetition) and bench/results/results.md,
and prints the tables. A measure whose entry point does not exist yet is reported
as "not yet available", with the reason, and never estimated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CORPUS = BENCH / "corpus"
RESULTS = BENCH / "results"
WORK = CORPUS / "run"
PY = sys.executable
PERFEVAL: list[str] = []  # the perfeval console script beside this Python, set in main()

TARGETS = {
    "generate_wb_s": 40.0, "generate_vs_openpyxl": 2.5, "ingest_10k_s": 30.0, "ingest_vs_floor_max": 3.0,
    "ingest_vs_naive_min": 10.0, "summary_10k_s": 20.0, "recollect_s": 5.0, "peak_rss_mb": 500.0, "engine_100k_s": 1.0,
}


# ----------------------------------------------------------------------------- measuring


class TreeSampler(threading.Thread):
    """Peak Σ RSS and Σ PSS of a process and all its descendants, polled from /proc, and their CPU.

    CPU is each process's utime + stime at the last poll that saw it, summed: unlike
    RUSAGE_CHILDREN it counts workers their parent never waits for (up to one poll
    interval per process is missed).
    """

    def __init__(self, root_pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root_pid, interval
        self.peak_rss = self.peak_pss = 0
        self.peak_procs = 0
        self._cpu_ticks: dict[int, int] = {}  # pid -> utime + stime, last seen
        self._ticks_per_s = os.sysconf("SC_CLK_TCK")
        self._halt = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    @property
    def cpu(self) -> float:
        return sum(self._cpu_ticks.values()) / self._ticks_per_s

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        ticks: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2:].split()
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
            self._cpu_ticks[pid] = ticks.get(pid, self._cpu_ticks.get(pid, 0))
        return out

    def _sample(self) -> None:
        rss = pss = 0
        pids = self._tree()
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    rss += int(fh.read().split()[1]) * self._page
                with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Pss:"):
                            pss += int(line.split()[1]) * 1024
                            break
            except (OSError, ValueError, IndexError):
                continue
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(pids))

    def run(self) -> None:
        while not self._halt.is_set():
            self._sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_cmd(cmd: list[str], *, cwd: Path = ROOT, timeout: float = 7200) -> dict:
    """Run `cmd`; wall time, CPU time of the tree (polled, or RUSAGE_CHILDREN if more), peak tree memory."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        sampler.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(reaped, sampler.cpu)  # polling misses each process's last interval; rusage misses unreaped workers
    return {"rc": proc.returncode, "wall": wall, "cpu": cpu, "peak_rss_mb": sampler.peak_rss / 2**20,
            "peak_pss_mb": sampler.peak_pss / 2**20, "peak_procs": sampler.peak_procs,
            "stdout": stdout[-3000:], "stderr": stderr[-3000:]}


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["rc"] == 0]
    if not ok:
        return {"error": (runs[-1]["stderr"] or runs[-1]["stdout"])[-1500:], "runs": runs}
    walls = [r["wall"] for r in ok]
    cpus = [r["cpu"] for r in ok]
    return {"wall_best": min(walls), "wall_median": statistics.median(walls), "cpu_best": min(cpus),
            "cpu_median": statistics.median(cpus), "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
            "peak_pss_mb": max(r["peak_pss_mb"] for r in ok), "peak_procs": max(r["peak_procs"] for r in ok),
            "reps": len(ok), "runs": [{k: v for k, v in r.items() if k not in ("stdout", "stderr")} for r in ok],
            "last_stdout": ok[-1]["stdout"][-1500:]}


# ----------------------------------------------------------------------------- environment


def environment() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "perfeval_xl"],
                                capture_output=True, text=True).stdout.strip())
    versions = {}
    for name in ("xlsxwriter", "openpyxl", "python_calamine", "pydantic", "pandas", "sqlalchemy"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001
            versions[name] = None
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "python": platform.python_version(), "git_sha": sha,
            "perfeval_xl_dirty": dirty, "platform": platform.platform(), "versions": versions,
            "loadavg_start": os.getloadavg(), "started": dt.datetime.now().isoformat(timespec="seconds")}


# ----------------------------------------------------------------------------- the measures


def corpus_info(size: int) -> dict:
    path = CORPUS / f"n{size}" / "corpus.json"
    if not path.exists():
        raise SystemExit(f"no corpus n{size}: run PYTHONPATH=. python bench/corpus.py --sizes {size} first")
    return json.loads(path.read_text(encoding="utf-8"))


def key_path(info: dict) -> str:
    return info["private_key"]


def measure_generate(size: int, reps: int) -> dict:
    info = corpus_info(size)
    folder = CORPUS / f"n{size}"
    runs = []
    for _ in range(reps):
        out = WORK / f"gen-n{size}"
        shutil.rmtree(out, ignore_errors=True)
        (WORK / f"gen-n{size}.register.jsonl").unlink(missing_ok=True)
        runs.append(run_cmd(PERFEVAL + ["generate", str(folder / "manifest.json"), "--out", str(out),
                                        "--key", key_path(info)]))
    shutil.rmtree(WORK / f"gen-n{size}", ignore_errors=True)
    result = summarise(runs)
    if "wall_best" in result:
        result["wb_s_best"] = size / result["wall_best"]
        result["wb_s_median"] = size / result["wall_median"]
    return result


def measure_openpyxl_baseline(size: int, limit: int) -> dict:
    out = WORK / "openpyxl"
    shutil.rmtree(out, ignore_errors=True)
    run = run_cmd([PY, str(BENCH / "baselines" / "openpyxl_generate.py"),
                   str(CORPUS / f"n{size}" / "manifest.json"), str(out), "--limit", str(limit)])
    shutil.rmtree(out, ignore_errors=True)
    result = summarise([run])
    if "wall_best" in result:
        result["workbooks"] = limit
        result["wb_s"] = limit / result["wall_best"]
    return result


def readable_files(size: int) -> Path:
    """The corpus's files minus the hostile ones (which crash or hang the naive readers)."""
    info = corpus_info(size)
    path = WORK / f"readable-n{size}.json"
    path.write_text(json.dumps([e["file"] for e in info["files"] if e["category"] != "hostile"]))
    return path


def measure_floor(size: int, reps: int, processes: int = 1) -> dict:
    files = readable_files(size)
    runs = [run_cmd([PY, str(BENCH / "baselines" / "calamine_floor.py"), str(CORPUS / f"n{size}" / "returns"),
                     "--files", str(files), "--processes", str(processes)]) for _ in range(reps)]
    result = summarise(runs)
    result["files"] = len(json.loads(files.read_text()))
    return result


def measure_naive(size: int, sample: int | None) -> dict:
    files = readable_files(size)
    names = json.loads(files.read_text())
    if sample and sample < len(names):
        names = names[:sample]
        files = WORK / f"readable-n{size}-sample.json"
        files.write_text(json.dumps(names))
    result = summarise([run_cmd([PY, str(BENCH / "baselines" / "naive_read.py"), str(CORPUS / f"n{size}" / "returns"),
                                 "--files", str(files)])])
    result["files"] = len(names)
    if "wall_best" in result:
        result["s_per_file"] = result["wall_best"] / len(names)
    return result


def collect_available() -> tuple[bool, str]:
    probe = subprocess.run(PERFEVAL + ["collect", "--help"], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if probe.returncode != 0:
        return False, "`perfeval collect` does not exist yet: " + (probe.stderr or probe.stdout).strip()[-300:]
    return True, ""


def measure_collect(size: int, reps: int) -> dict:
    folder = CORPUS / f"n{size}"
    ok, why = collect_available()
    if not ok:
        return {"ingest": {"not_available": why}, "recollect": {"not_available": why},
                "summary": {"not_available": why}}
    base = PERFEVAL + ["collect", str(folder / "returns"), "--manifest", str(folder / "manifest.json"),
                       "--register", str(folder / "issued.register.jsonl"), "--receipts", str(folder / "receipts.csv")]
    ingest, recollect, summary = [], [], []
    for _ in range(reps):
        work = WORK / f"collect-n{size}"
        shutil.rmtree(work, ignore_errors=True)
        ingest.append(run_cmd(base + ["--work", str(work)]))
        recollect.append(run_cmd(base + ["--work", str(work)]))
        summary.append(run_cmd(PERFEVAL + ["summary", "--db", str(work / "perfeval.db"),
                                           "--out", str(work / "summary.xlsx")]))
    out = {"ingest": summarise(ingest), "recollect": summarise(recollect), "summary": summarise(summary)}
    if "last_stdout" in out["ingest"]:
        out["ingest"]["closing_table"] = out["ingest"]["last_stdout"]
    return out


def measure_engine(reps: int) -> dict:
    run = run_cmd([PY, str(BENCH / "engine_bench.py"), "--corpus", str(CORPUS / "n10000"), "--reps", str(reps)])
    if run["rc"] != 0:
        return {"error": run["stderr"][-1500:]}
    data = json.loads(run["stdout"].strip().splitlines()[-1])
    data["process_peak_rss_mb"] = run["peak_rss_mb"]
    return data


# ----------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def report(res: dict) -> str:
    env = res["environment"]
    lines = [
        "# perfeval_xl benchmark results", "",
        f"- run: {env['started']} → {res.get('finished') or '(unfinished)'}, git `{env['git_sha'][:12]}`"
        + (" (perfeval_xl with uncommitted changes)" if env["perfeval_xl_dirty"] else ""),
        f"- machine: {env['nproc']} CPUs ({env['cpu_model']}), Python {env['python']}, {env['platform']}",
        f"- load average at start {tuple(round(x, 2) for x in env['loadavg_start'])}, at end "
        f"{tuple(round(x, 2) for x in res.get('loadavg_end', ()))} (the machine is shared: other work competes for "
        "the 2 cores, so wall times carry noise; CPU times are given beside them)",
        f"- command: `{res['command']}`", "",
    ]
    rows = []
    for size in res["sizes"]:
        info = res["corpora"].get(str(size))
        if info:
            lines.append(f"Corpus n{size}: {info['size']} distinct projects, {info['indicators']} indicators, "
                         f"frameworks {info['frameworks']}; returns: {info['mix']} "
                         f"(clean {info['clean_share']:.0%}).")
    lines += ["", "## Figures", "", "| measure | best | median | CPU (tree) | peak Σ RSS / Σ PSS | target | verdict |",
              "|---|---|---|---|---|---|---|"]
    gen = res.get("generate", {})
    base = res.get("openpyxl_baseline", {})
    for size in res["sizes"]:
        g = gen.get(str(size))
        if not g or "wb_s_best" not in g:
            continue
        ok = g["wb_s_median"] >= TARGETS["generate_wb_s"]
        rows.append(f"| generate n{size} (`perfeval generate --key`) | {g['wall_best']:.1f} s = {g['wb_s_best']:.1f} wb/s "
                    f"| {g['wall_median']:.1f} s = {g['wb_s_median']:.1f} wb/s | {g['cpu_median']:.1f} s "
                    f"| {g['peak_rss_mb']:.0f} / {g['peak_pss_mb']:.0f} MB | ≥ 40 wb/s | {verdict(ok)} |")
        if base.get("wb_s"):
            ratio = g["wb_s_median"] / base["wb_s"]
            rows.append(f"| generate n{size} ÷ openpyxl script | {g['wb_s_best'] / base['wb_s']:.1f}× | {ratio:.1f}× | | "
                        f"| ≥ 2.5× | {verdict(ratio >= TARGETS['generate_vs_openpyxl'])} |")
    if base.get("wb_s"):
        rows.append(f"| baseline: openpyxl script, 1 process ({base['workbooks']} workbooks) | {base['wall_best']:.1f} s = "
                    f"{base['wb_s']:.1f} wb/s | | {base['cpu_best']:.1f} s | {base['peak_rss_mb']:.0f} MB | | |")
    eng = res.get("engine", {})
    if "loop" in eng:
        n = eng["indicators"]
        for key, label in (("loop_cold", "`evaluate` loop, cold caches"), ("loop", "`evaluate` loop (loaded manifest)"),
                           ("many_cold", "`evaluate_many`, cold caches"), ("many", "`evaluate_many` (loaded manifest)")):
            e = eng[key]
            rows.append(f"| engine {n} indicators: {label} | {e['wall_best']:.2f} s | {e['wall_median']:.2f} s | "
                        f"{e['cpu_median']:.2f} s | | ≤ 1 s | {verdict(e['wall_median'] <= TARGETS['engine_100k_s'])} |")
        if "loop_without_gc" in eng:
            e = eng["loop_without_gc"]
            rows.append(f"| (diagnosis) engine loop with the GC disabled | {e['wall_best']:.2f} s | {e['wall_median']:.2f} s | "
                        f"{e['cpu_median']:.2f} s | | | |")
        e = eng["two_processes"]
        rows.append(f"| engine {n} indicators: 2 processes × `evaluate_many` | {e['wall_best']:.2f} s | "
                    f"{e['wall_median']:.2f} s | | | ≤ 1 s | {verdict(e['wall_median'] <= TARGETS['engine_100k_s'])} |")
    coll = res.get("collect", {})
    floor, naive = res.get("floor", {}), res.get("naive", {})
    for size in res["sizes"]:
        c = coll.get(str(size), {})
        ing = c.get("ingest", {})
        if "not_available" in ing:
            rows.append(f"| ingest n{size} (`perfeval collect`) | not yet available | | | | | n/a |")
        elif "wall_best" in ing:
            target = f"≤ 30 s" if size >= 10000 else "–"
            ok = ing["wall_median"] <= TARGETS["ingest_10k_s"] if size >= 10000 else None
            rows.append(f"| ingest n{size} (`perfeval collect`, gate → store) | {ing['wall_best']:.1f} s | "
                        f"{ing['wall_median']:.1f} s | {ing['cpu_median']:.1f} s | {ing['peak_rss_mb']:.0f} / "
                        f"{ing['peak_pss_mb']:.0f} MB | {target} | {verdict(ok)} |")
            rows.append(f"| peak memory, collect n{size} | | | | {ing['peak_rss_mb']:.0f} / {ing['peak_pss_mb']:.0f} MB | "
                        f"≤ 500 MB | {verdict(ing['peak_rss_mb'] <= TARGETS['peak_rss_mb'])} |")
            f1 = floor.get(str(size), {})
            if "wall_best" in f1:
                per_file_floor = f1["wall_median"] / f1["files"]
                ratio = (ing["wall_median"] / size) / per_file_floor
                rows.append(f"| ingest n{size} ÷ bare calamine (per file) | | {ratio:.1f}× | | | ≤ 3× | "
                            f"{verdict(ratio <= TARGETS['ingest_vs_floor_max'])} |")
            nv = naive.get(str(size), {})
            if "s_per_file" in nv:
                ratio = nv["s_per_file"] / (ing["wall_median"] / size)
                rows.append(f"| naive loop ÷ ingest n{size} (per file) | | {ratio:.1f}× | | | ≥ 10× | "
                            f"{verdict(ratio >= TARGETS['ingest_vs_naive_min'])} |")
        rec = c.get("recollect", {})
        if "wall_best" in rec:
            rows.append(f"| re-collect unchanged n{size} | {rec['wall_best']:.1f} s | {rec['wall_median']:.1f} s | "
                        f"{rec['cpu_median']:.1f} s | {rec['peak_rss_mb']:.0f} MB | ≤ 5 s | "
                        f"{verdict(rec['wall_median'] <= TARGETS['recollect_s'])} |")
        summ = c.get("summary", {})
        if "not_available" in summ:
            rows.append(f"| summary n{size} | not yet available | | | | ≤ 20 s (10k) | n/a |")
        elif "wall_best" in summ:
            ok = summ["wall_median"] <= TARGETS["summary_10k_s"] if size >= 10000 else None
            rows.append(f"| summary n{size} | {summ['wall_best']:.1f} s | {summ['wall_median']:.1f} s | "
                        f"{summ['cpu_median']:.1f} s | {summ['peak_rss_mb']:.0f} MB | ≤ 20 s (10k) | {verdict(ok)} |")
    for size in res["sizes"]:
        f1 = floor.get(str(size), {})
        if "wall_best" in f1:
            rows.append(f"| baseline: bare calamine, 1 process, n{size} ({f1['files']} readable files) | "
                        f"{f1['wall_best']:.1f} s | {f1['wall_median']:.1f} s | {f1['cpu_median']:.1f} s | "
                        f"{f1['peak_rss_mb']:.0f} MB | | |")
        f2 = res.get("floor2", {}).get(str(size), {})
        if "wall_best" in f2:
            rows.append(f"| reference: bare calamine, 2 processes, n{size} | {f2['wall_best']:.1f} s | "
                        f"{f2['wall_median']:.1f} s | {f2['cpu_median']:.1f} s | {f2['peak_rss_mb']:.0f} MB | | |")
        nv = naive.get(str(size), {})
        if "s_per_file" in nv:
            rows.append(f"| baseline: naive openpyxl + pandas loop, n{size} ({nv['files']} files) | "
                        f"{nv['wall_best']:.1f} s = {nv['s_per_file'] * 1000:.0f} ms/file | | {nv['cpu_best']:.1f} s | "
                        f"{nv['peak_rss_mb']:.0f} MB | | |")
    lines += rows
    notes = res.get("notes", [])
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    na = [(size, k, v["not_available"]) for size, c in coll.items() for k, v in c.items()
          if isinstance(v, dict) and "not_available" in v]
    if na:
        lines += ["", "## Not yet available", ""]
        seen = set()
        for size, k, why in na:
            if (k, why) not in seen:
                seen.add((k, why))
                lines.append(f"- {k}: {why}")
    return "\n".join(lines) + "\n"


def main() -> None:
    global PERFEVAL
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--only", default="generate,engine,collect,read")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (the 10,000 runs: at most 2)")
    parser.add_argument("--baseline-workbooks", type=int, default=1000)
    parser.add_argument("--naive-files", type=int, default=2000,
                        help="files the naive loop reads at 10,000 (its per-file cost is what the ratio uses)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    PERFEVAL = [str(Path(PY).parent / "perfeval")]
    sizes = sorted(int(s) for s in args.sizes.split(","))
    only = set(args.only.split(","))
    WORK.mkdir(parents=True, exist_ok=True)
    res: dict = {"environment": environment(), "sizes": sizes, "command": " ".join(["python", *sys.argv]),
                 "corpora": {}, "targets": TARGETS,
                 "notes": ["Baseline readers skip the corpus's hostile files (a claimed A1:XFD1048576 dimension "
                           "aborts calamine's process, REFERENCE §8); ingest handles every file."]}
    for size in sizes:
        info = corpus_info(size)
        res["corpora"][str(size)] = {k: v for k, v in info.items() if k not in ("files",)}
    print(json.dumps(res["environment"], indent=1), flush=True)

    def reps_for(size: int) -> int:
        return min(args.reps, 2) if size >= 10000 else args.reps

    def save(final: bool = False) -> None:
        """Write what is measured so far (a long run cut short still leaves its figures)."""
        res["loadavg_end"] = os.getloadavg()
        res["finished"] = dt.datetime.now().isoformat(timespec="seconds") if final else None
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        (args.out / "results.md").write_text(report(res), encoding="utf-8")

    if "generate" in only:
        res["generate"] = {}
        for size in sizes:
            print(f"generate n{size} …", flush=True)
            res["generate"][str(size)] = measure_generate(size, reps_for(size))
        print("openpyxl baseline …", flush=True)
        res["openpyxl_baseline"] = measure_openpyxl_baseline(sizes[0], min(args.baseline_workbooks, sizes[0]))
        save()
    if "engine" in only:
        print("engine …", flush=True)
        res["engine"] = measure_engine(args.reps + 2)
        save()
    if "read" in only:
        res["floor"], res["floor2"], res["naive"] = {}, {}, {}
        for size in sizes:
            print(f"calamine floor n{size} …", flush=True)
            res["floor"][str(size)] = measure_floor(size, args.reps)
            res["floor2"][str(size)] = measure_floor(size, args.reps, processes=2)
            print(f"naive loop n{size} …", flush=True)
            res["naive"][str(size)] = measure_naive(size, args.naive_files if size > args.naive_files else None)
            if size > args.naive_files:
                res["notes"].append(f"The naive loop read the first {args.naive_files} readable files of n{size}; "
                                    "its ratio uses the cost per file.")
            save()
    if "collect" in only:
        res["collect"] = {}
        for size in sizes:
            print(f"collect n{size} …", flush=True)
            res["collect"][str(size)] = measure_collect(size, reps_for(size))
            save()
    save(final=True)
    print(report(res))


if __name__ == "__main__":
    main()
