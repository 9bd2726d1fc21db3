"""Build the model from a RawManifest, merging each project with its framework, and
validate the whole batch, reporting every problem at its sheet/row/column in one run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import ValidationError

from perfeval_xl.engine.checks import framework_findings, indicator_findings, weight_findings
from perfeval_xl.engine.evaluate import resolve_project
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.findings import Finding, Location, Severity, finding
from perfeval_xl.manifest.fields import (
    BAND_FIELDS,
    BATCH,
    COMPLETION,
    FUNDS,
    INDICATORS,
    KIND_ALIASES,
    PROJECTS,
    SECTION_KEYS,
    TARGETS,
    TableSpec,
)
from perfeval_xl.manifest.library import LibraryError, framework_names, load_framework, load_profile
from perfeval_xl.manifest.raw import RawManifest, RawRow, RowLocations, coerce
from perfeval_xl.model import (
    Band,
    Batch,
    CompletionItem,
    Contact,
    FundLine,
    Indicator,
    IndicatorGroup,
    IndicatorKind,
    Manifest,
    PerformanceTarget,
    Project,
)
from perfeval_xl.model.framework import Framework, FrameworkNode

LEVEL_KEYS = ("level1", "level2", "level3", "level4")


@dataclass
class LoadedManifest:
    """A validated batch, its scoring profile, the frameworks used, and where each item came from."""

    manifest: Manifest | None
    profile: ScoringProfile | None
    frameworks: dict[str, Framework]
    findings: list[Finding]
    indicator_sources: MutableMapping[tuple[str, str], Location] = field(default_factory=RowLocations)
    project_sources: dict[str, Location] = field(default_factory=dict)
    indicator_rows: dict[tuple[str, str], RawRow] = field(default_factory=dict)
    group_sources: MutableMapping[tuple[str, tuple[str, ...]], Location] = field(
        default_factory=RowLocations)  # 一级/二级分值 cells

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not any(
            f.severity in (Severity.REJECT, Severity.ERROR) for f in self.findings
        )


def _typed(row: RawRow, table: TableSpec, findings: list[Finding]) -> dict[str, object]:
    return {spec.key: coerce(spec, row, findings, table) for spec in table.fields}


def build_manifest(raw: RawManifest) -> LoadedManifest:
    findings: list[Finding] = list(raw.findings)
    if any(f.severity is Severity.REJECT for f in findings):
        return LoadedManifest(None, None, {}, findings)  # nothing was read: no follow-on findings
    batch = _batch(raw, findings)
    profile: ScoringProfile | None = None
    if batch is not None:
        try:
            profile = load_profile(batch.profile)
        except LibraryError as exc:
            loc = raw.batch.loc("profile") if raw.batch else Location(file=raw.source)
            findings.append(finding("MANIFEST_FIELD_INVALID", loc, field="评分规则", value=batch.profile, detail=str(exc)))

    typed_projects = [(row, _typed(row, PROJECTS, findings)) for row in raw.rows(PROJECTS.key)]
    project_ids = _unique_ids(typed_projects, "id", "项目编号", findings)
    children: dict[str, dict[str, list[tuple[RawRow, dict[str, object]]]]] = defaultdict(lambda: defaultdict(list))
    for table in (FUNDS, INDICATORS, COMPLETION, TARGETS):
        for row in raw.rows(table.key):
            values = _typed(row, table, findings)
            pid = values.get("project_id")
            if pid is None:
                continue
            if pid not in project_ids:
                findings.append(finding("UNKNOWN_REFERENCE", row.loc("project_id"), field="项目编号", value=pid,
                                        target=f"“{PROJECTS.sheet}”"))
                continue
            children[str(pid)][table.key].append((row, values))

    frameworks: dict[str, Framework] = {}
    projects: list[Project] = []
    loaded = LoadedManifest(None, profile, frameworks, findings)
    if not typed_projects:
        findings.append(finding("MANIFEST_FIELD_MISSING", Location(file=raw.source, sheet=PROJECTS.sheet),
                                field=f"{PROJECTS.sheet}（至少一个项目）"))
    for row, values in typed_projects:
        pid = values.get("id")
        if pid is None or project_ids.get(pid) is not row:
            continue
        framework = _framework(values.get("framework") or "national", row, frameworks, findings)
        loaded.project_sources[str(pid)] = row.origin
        project = _project(row, values, children[str(pid)], framework, findings, loaded)
        if project is not None:
            projects.append(project)
            if profile is not None and framework is not None:
                findings.extend(_validate_project(project, framework, profile, loaded, row))

    if batch is not None and not any(f.severity in (Severity.REJECT, Severity.ERROR) for f in findings):
        loaded.manifest = Manifest(batch=batch, projects=tuple(projects))
    return loaded


def _batch(raw: RawManifest, findings: list[Finding]) -> Batch | None:
    if raw.batch is None:
        findings.append(finding("MANIFEST_SHEET_MISSING", Location(file=raw.source), sheet=BATCH.sheet))
        return None
    v = _typed(raw.batch, BATCH, findings)
    if any(v[k] is None for k in ("year", "batch_id", "bureau")):
        return None
    try:
        return Batch(
            year=v["year"], batch_id=v["batch_id"], bureau=v["bureau"],
            contact=Contact(name=v["contact_name"], phone=v["contact_phone"], email=v["contact_email"]),
            deadline=v["deadline"], profile=v["profile"] or "default",
            protection_password=v["protection_password"] or "perfeval",
            key_id=v["key_id"], instructions=v["instructions"] or "",
        )
    except ValidationError as exc:
        findings.append(finding("MANIFEST_FIELD_INVALID", raw.batch.loc("year"), field="批次信息", value="",
                                detail=_pydantic_detail(exc)))
        return None


def _unique_ids(rows: list[tuple[RawRow, dict[str, object]]], key: str, label: str,
                findings: list[Finding]) -> dict[object, RawRow]:
    seen: dict[object, RawRow] = {}
    for row, values in rows:
        value = values.get(key)
        if value is None:
            continue
        if value in seen:
            findings.append(finding("DUPLICATE_ID", row.loc(key), field=label, value=value))
        else:
            seen[value] = row
    return seen


def _framework(name: str, row: RawRow, cache: dict[str, Framework], findings: list[Finding]) -> Framework | None:
    if name in cache:
        return cache[name]
    try:
        framework = load_framework(str(name))
    except LibraryError:
        findings.append(finding("FRAMEWORK_UNKNOWN", row.loc("framework"), value=name, known="、".join(framework_names())))
        return None
    cache[name] = framework
    cache[framework.id] = framework
    return framework


def _project(
    row: RawRow,
    values: dict[str, object],
    kids: dict[str, list[tuple[RawRow, dict[str, object]]]],
    framework: Framework | None,
    findings: list[Finding],
    loaded: LoadedManifest,
) -> Project | None:
    pid = str(values["id"])
    if any(values.get(k) is None for k in ("name", "unit", "department")) or framework is None:
        return None
    funds = _funds(kids.get(FUNDS.key, []), findings)
    completion = tuple(
        CompletionItem(section=SECTION_KEYS.get(str(v["section"]), "annual"), text=str(v["text"]))
        for _, v in kids.get(COMPLETION.key, []) if v.get("section") and v.get("text")
    )
    targets = tuple(
        PerformanceTarget(
            dimension=str(v["dimension"]), name=str(v["name"]), target_text=str(v.get("target_text") or ""),
            bands=tuple(Band(label=label, text=str(v[key])) for key, label in BAND_FIELDS.items() if v.get(key)),
        )
        for _, v in kids.get(TARGETS.key, []) if v.get("dimension") and v.get("name")
    )
    indicators, groups = _indicators(pid, kids.get(INDICATORS.key, []), framework, findings, loaded)
    try:
        return Project(
            id=pid, name=str(values["name"]), unit=str(values["unit"]), department=str(values["department"]),
            contact_person=values.get("contact_person"), contact_phone=values.get("contact_phone"),
            address=values.get("address"), postcode=values.get("postcode"),
            project_type=values.get("project_type") or "经常性", mode=values.get("mode") or "单位自评",
            framework=framework.id, funds=funds, overall_goal=values.get("overall_goal") or "",
            completion_items=completion, targets=targets, indicators=tuple(indicators), groups=tuple(groups),
        )
    except ValidationError as exc:
        findings.append(finding("MANIFEST_FIELD_INVALID", row.origin, field=f"项目“{pid}”", value="",
                                detail=_pydantic_detail(exc)))
        return None


def _funds(rows: list[tuple[RawRow, dict[str, object]]], findings: list[Finding]) -> tuple[FundLine, ...]:
    out: list[FundLine] = []
    seen: set[str] = set()
    for row, v in rows:
        source = v.get("source")
        if source is None:
            continue
        if source in seen:
            findings.append(finding("DUPLICATE_ID", row.loc("source"), field="资金来源", value=source))
            continue
        seen.add(str(source))
        out.append(FundLine(source=str(source), initial_budget=v.get("initial_budget"), annual_budget=v.get("annual_budget")))
    return tuple(out)


def _framework_leaves(framework: Framework) -> tuple[list[Indicator], list[IndicatorGroup]]:
    leaves: list[Indicator] = []
    groups: list[IndicatorGroup] = []

    def walk(nodes: tuple[FrameworkNode, ...], path: tuple[str, ...]) -> None:
        for node in nodes:
            if node.leaf:
                leaves.append(Indicator(
                    id=node.id or node.code or node.name, name=node.name, path=path,
                    code=node.code if framework.show_codes else None, weight=node.weight, kind=node.kind,
                ))
            else:
                groups.append(IndicatorGroup(path=path + (node.name,),
                                             code=node.code if framework.show_codes else None, weight=node.weight))
                walk(node.children, path + (node.name,))

    walk(framework.nodes, ())
    return leaves, groups


def _indicators(
    pid: str,
    rows: list[tuple[RawRow, dict[str, object]]],
    framework: Framework,
    findings: list[Finding],
    loaded: LoadedManifest,
) -> tuple[list[Indicator], list[IndicatorGroup]]:
    fixed, groups = _framework_leaves(framework)
    by_path = {g.path: g for g in groups}
    weight_sources: dict[tuple[str, ...], tuple[Decimal, RawRow, str]] = {}
    fixed_index = {(ind.path, ind.name): i for i, ind in enumerate(fixed)}
    fixed_ids = {ind.id: i for i, ind in enumerate(fixed)}
    own: list[Indicator] = []
    seen_ids: set[str] = {ind.id for ind in fixed}
    counters: dict[tuple[str, ...], int] = defaultdict(int)

    for row, v in rows:
        levels = [str(v[k]).strip() for k in LEVEL_KEYS if v.get(k) not in (None, "")]
        if not levels:
            continue
        if len(levels) == 1 and not _is_leaf_only_top(framework, levels[0]):
            findings.append(finding("MANIFEST_FIELD_MISSING", row.loc("level2"), field="末级指标名称（二级/三级指标）"))
            continue
        path = framework.canonical_path(tuple(levels[:-1]))
        name = levels[-1]
        if path and framework.nodes and framework.top(path[0]) is None:
            findings.append(finding("UNKNOWN_REFERENCE", row.loc("level1"), field="一级指标", value=levels[0],
                                    target=f"指标框架“{framework.name}”"))
            continue
        _collect_group_weights(path, v, row, weight_sources, findings)
        kind = _kind(v, framework)
        bands = tuple(Band(label=label, text=str(v[key])) for key, label in BAND_FIELDS.items() if v.get(key))
        given_id = v.get("id")
        existing = fixed_ids.get(str(given_id)) if given_id else fixed_index.get((path, name))
        if existing is not None:
            base = fixed[existing]
            fixed[existing] = base.model_copy(update=_overrides(v, kind, bands))
            _point(loaded.indicator_sources, (pid, base.id), row, "target_text")
            loaded.indicator_rows[(pid, base.id)] = row
            continue
        counters[path] += 1
        code = v.get("code") or _auto_code(framework, by_path, path, counters[path])
        ind_id = str(given_id or v.get("code") or f"I{len(own) + 1:02d}")
        if ind_id in seen_ids:
            findings.append(finding("DUPLICATE_ID", row.loc("id"), field=f"项目“{pid}”的指标编号", value=ind_id))
            continue
        seen_ids.add(ind_id)
        own.append(Indicator(
            id=ind_id, name=name, path=path, code=code, weight=v.get("weight"), kind=kind,
            target_text=str(v.get("target_text") or ""), target_value=v.get("target_value"), unit=v.get("unit"),
            bands=bands, deduction_rule=v.get("deduction_rule"), reverse_variant=v.get("reverse_variant"),
        ))
        _point(loaded.indicator_sources, (pid, ind_id), row, "target_text")
        loaded.indicator_rows[(pid, ind_id)] = row

    for path, (weight, source_row, key) in weight_sources.items():
        _point(loaded.group_sources, (pid, path), source_row, key)
        old = by_path.get(path)
        by_path[path] = IndicatorGroup(path=path, code=old.code if old else None, weight=weight)
    order = {node.name: i for i, node in enumerate(framework.nodes)}
    indicators = sorted(fixed + own, key=lambda ind: order.get(ind.path[0] if ind.path else ind.name, len(order)))
    return indicators, list(by_path.values())


def _point(sources: MutableMapping, key: object, row: RawRow, field_key: str) -> None:
    if isinstance(sources, RowLocations):
        sources.point(key, row, field_key)
    else:
        sources[key] = row.loc(field_key)


def _is_leaf_only_top(framework: Framework, name: str) -> bool:
    node = framework.top(name)
    return node is not None and node.leaf


def _overrides(v: dict[str, object], kind: IndicatorKind | None, bands: tuple[Band, ...]) -> dict[str, object]:
    update: dict[str, object] = {}
    for key in ("weight", "target_value", "unit", "deduction_rule", "reverse_variant"):
        if v.get(key) is not None:
            update[key] = v[key]
    if v.get("target_text"):
        update["target_text"] = str(v["target_text"])
    if kind is not None:
        update["kind"] = kind
    if bands:
        update["bands"] = bands
    return update


def _kind(v: dict[str, object], framework: Framework) -> IndicatorKind | None:
    raw = v.get("kind")
    if raw:
        return IndicatorKind(KIND_ALIASES.get(str(raw), str(raw)))
    has_target = bool(v.get("target_text")) or v.get("target_value") is not None
    if not has_target and not any(v.get(k) for k in BAND_FIELDS) and not v.get("deduction_rule"):
        return framework.default_kind
    return None


def _auto_code(framework: Framework, groups: dict[tuple[str, ...], IndicatorGroup], path: tuple[str, ...],
               n: int) -> str | None:
    if not framework.show_codes:
        return None
    parent = groups.get(path)
    return f"{parent.code}{n}" if parent is not None and parent.code else None


def _collect_group_weights(
    path: tuple[str, ...],
    v: dict[str, object],
    row: RawRow,
    sources: dict[tuple[str, ...], tuple[Decimal, RawRow, str]],
    findings: list[Finding],
) -> None:
    """一级分值/二级分值/三级分值 repeated on each row must agree."""
    for depth, key in enumerate(("level1_weight", "level2_weight", "level3_weight"), start=1):
        weight = v.get(key)
        if weight is None or depth > len(path):
            continue
        group = path[:depth]
        if group in sources and sources[group][0] != weight:
            findings.append(finding("MANIFEST_FIELD_INVALID", row.loc(key), field=f"“{group[-1]}”的分值",
                                    value=weight, detail=f"与前面填写的 {sources[group][0]} 不一致"))
            continue
        sources.setdefault(group, (weight, row, key))


def _validate_project(
    project: Project, framework: Framework, profile: ScoringProfile, loaded: LoadedManifest, row: RawRow
) -> list[Finding]:
    out: list[Finding] = []
    origin = row.origin

    def locate_indicator(ind_id: str) -> Location:
        return loaded.indicator_sources.get((project.id, ind_id), origin).model_copy(
            update={"project_id": project.id, "indicator_id": ind_id})

    def locate_group(path: tuple[str, ...]) -> Location:
        # The cell declaring the group's points, else the 分值 cell of its first indicator.
        declared = loaded.group_sources.get((project.id, path))
        if declared is not None:
            return declared.model_copy(update={"project_id": project.id})
        for ind in project.indicators:
            if path and ind.path[: len(path)] == path and (project.id, ind.id) in loaded.indicator_rows:
                return loaded.indicator_rows[(project.id, ind.id)].loc("weight").model_copy(
                    update={"project_id": project.id, "indicator_id": ind.id})
        return origin.model_copy(update={"project_id": project.id})

    if not any(ind.kind is not IndicatorKind.BUDGET for ind in project.indicators):
        out.append(finding("PROJECT_NO_INDICATORS", origin, project=project.name))
        return out
    resolved = resolve_project(project, profile)
    out.extend(_at_field(f, loaded.indicator_rows.get((project.id, f.location.indicator_id or "")))
               for f in indicator_findings(resolved, locate_indicator))
    out.extend(weight_findings(project, framework.total, locate_group))
    out.extend(framework_findings(project, framework, locate_group))
    needs_budget = any(ind.kind is IndicatorKind.BUDGET for ind in project.indicators)
    if needs_budget and not (project.annual_budget and project.annual_budget > 0):
        out.append(finding("MANIFEST_FIELD_MISSING", origin.model_copy(update={"project_id": project.id}),
                           field=f"项目“{project.id}”的{FUNDS.sheet}（全年预算数）"))
    return out


# Indicator findings about a cell other than 年度指标值: the field they point at. Band
# findings name their band as "优 24次"; the later band of an overlap or gap is meant.
_FINDING_FIELDS = {"KIND_NEEDS_WEIGHT": "weight", "DEDUCTION_UNPARSEABLE": "deduction_rule"}
_BAND_PARAMS = {"BAND_UNPARSEABLE": "band", "BAND_OVERLAP": "second", "BAND_GAP": "second"}
_BAND_KEYS = {label: key for key, label in BAND_FIELDS.items()}


def _at_field(f: Finding, row: RawRow | None) -> Finding:
    """`f` located at the cell of the field it is about, when the row has that cell."""
    if f.code in _BAND_PARAMS:
        key = _BAND_KEYS.get(str(f.params.get(_BAND_PARAMS[f.code], "")).split(" ", 1)[0])
    else:
        key = _FINDING_FIELDS.get(f.code)
    if row is None or key not in row.locations:
        return f
    where = row.locations[key].model_copy(
        update={"project_id": f.location.project_id, "indicator_id": f.location.indicator_id})
    return f.model_copy(update={"location": where})


def _pydantic_detail(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
