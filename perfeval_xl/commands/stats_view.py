"""`validate-manifest --stats` output: the counts of manifest.stats as tables or JSON."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfeval_xl.commands.render import Lang
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.manifest.stats import ManifestStats
from perfeval_xl.model import KIND_LABELS

NO_UNIT = {Lang.zh: "（无）", Lang.en: "(none)"}
TITLES = {
    Lang.zh: {"frameworks": "指标框架", "kinds": "计分方式", "departments": "主管部门", "units": "计量单位",
              "target_texts": "年度指标值", "count": "数量"},
    Lang.en: {"frameworks": "Framework", "kinds": "Indicator kind", "departments": "Department", "units": "Unit",
              "target_texts": "Target text", "count": "Count"},
}


def stats_json(stats: ManifestStats | None, loaded: LoadedManifest) -> dict[str, object] | None:
    if stats is None:
        return None
    return {
        "projects": stats.projects,
        "indicators": stats.indicators,
        "frameworks": dict(stats.frameworks.most_common()),
        "kinds": {kind.value: n for kind, n in stats.kinds.most_common()},
        "departments": dict(stats.departments.most_common()),
        "units": dict(stats.units.most_common()),
        "distinct_target_texts": len(stats.target_texts),
        "target_texts": dict(stats.target_texts.most_common()),
    }


def print_stats(console: Console, stats: ManifestStats | None, loaded: LoadedManifest, lang: Lang) -> None:
    zh = lang is Lang.zh
    if stats is None:
        console.print("清单有错误，无法统计。" if zh else "The manifest has errors; no statistics.")
        return
    console.print(f"项目 {stats.projects} 个，指标 {stats.indicators} 个。" if zh
                  else f"{stats.projects} projects, {stats.indicators} indicators.")
    titles = TITLES[lang]
    frameworks = Counter({_framework_name(loaded, fid, lang): n for fid, n in stats.frameworks.items()})
    kinds = Counter({(KIND_LABELS[k] if zh else k.value): n for k, n in stats.kinds.items()})
    units = Counter({(unit or NO_UNIT[lang]): n for unit, n in stats.units.items()})
    for key, counts in (("frameworks", frameworks), ("kinds", kinds), ("departments", stats.departments),
                        ("units", units), ("target_texts", stats.target_texts)):
        title = titles[key]
        if key == "target_texts":
            title += f"（{len(counts)} 种）" if zh else f" ({len(counts)} distinct)"
        table = Table(title, titles["count"])
        for name, n in counts.most_common():
            table.add_row(Text(name), str(n))
        console.print(table)


def _framework_name(loaded: LoadedManifest, framework_id: str, lang: Lang) -> str:
    framework = loaded.frameworks.get(framework_id)
    if framework is None or lang is Lang.en:
        return framework_id
    return f"{framework_id}（{framework.name}）"
