"""What a layout key means to a person, in Chinese and English ("「培训人次」的得分").

Findings about a cell name the cell and say what it holds, so a unit reading the
report knows which figure is meant without opening the form.
"""

from __future__ import annotations

from perfeval_xl.engine.indicator import FIELD_LABELS
from perfeval_xl.model import Project

_SINGLE = {
    "total": ("总分", "the total score"),
    "grade": ("等级", "the grade"),
    "unfilled": ("未填写项数", "the count of unfilled inputs"),
    "status:unfilled": ("未填写项数", "the count of unfilled inputs"),
    "goal:actual": ("年度总体目标的实际完成情况", "the overall goal's outcome"),
    "budget:initial": ("年初预算数合计", "the initial budget total"),
    "budget:annual": ("全年预算数合计", "the annual budget total"),
    "budget:received": ("实际到位资金合计", "the funds received total"),
    "budget:executed": ("全年执行数合计", "the funds executed total"),
    "budget:balance": ("资金结余", "the balance"),
    "budget:arrival_rate": ("预算到位率", "the arrival rate"),
    "budget:execution_rate": ("预算执行率", "the budget execution rate"),
    "budget:score_rate": ("预算执行率（计分）", "the budget execution rate (scoring)"),
    "budget:score": ("预算执行率得分", "the budget execution score"),
    "evaluators:count": ("评分人数", "the number of evaluators"),
    "evaluators:mean": ("评价人员平均分", "the evaluators' mean score"),
    "evaluators:spread": ("评价人员评分极差", "the evaluators' score range"),
    "evaluators:total": ("评价人员页的自评总分", "the total on the evaluators sheet"),
}
_INDICATOR = {
    "actual": (FIELD_LABELS["actual"], "actual value"),
    "tier": (FIELD_LABELS["tier"], "tier"),
    "score_input": (FIELD_LABELS["score"], "score"),
    "reason": (FIELD_LABELS["reason"], "deviation reason"),
    "na": ("不适用标记", "not-applicable mark"),
    "rate": ("完成率", "completion rate"),
    "score": ("得分", "score"),
    "eff": ("计入总分的得分", "score counted in the total"),
    "annual": ("全年预算数", "annual budget"),
    "executed": ("全年执行数", "funds executed"),
    "applicable": ("适用标记", "applicability"),
    "applicable_weight": ("适用分值", "applicable points"),
}
_FUND = {
    "received": ("实际到位资金", "funds received"),
    "executed": ("全年执行数", "funds executed"),
    "balance": ("结余", "balance"),
    "arrival_rate": ("到位率", "arrival rate"),
    "execution_rate": ("执行率", "execution rate"),
}
_GROUP = {"score": ("得分", "score"), "rate": ("得分率", "score rate")}
_EVALUATOR = {"name": ("姓名", "name"), "title": ("职务/职称", "title"), "unit": ("单位", "unit"),
              "score": ("项目评分", "score")}
_COMPLETION = {"status": ("完成情况", "outcome"), "note": ("备注", "note")}
_INFO = {"contact_person": ("项目负责人", "project lead"), "contact_phone": ("联系电话", "phone"),
         "address": ("地址", "address"), "postcode": ("邮编", "postcode")}


def describe_key(key: str, project: Project) -> tuple[str, str]:
    """(Chinese, English) name of what the cell with layout key `key` holds; the key itself if unknown."""
    if key in _SINGLE:
        return _SINGLE[key]
    kind, _, rest = key.partition(":")
    head, _, part = rest.rpartition(":")
    if kind == "ind" and part in _INDICATOR:
        indicator = project.indicator(head)
        label = indicator.label if indicator else head
        zh, en = _INDICATOR[part]
        return f"「{label}」的{zh}", f"the {en} of '{label}'"
    if kind == "fund" and part in _FUND:
        zh, en = _FUND[part]
        return f"{head}{zh}", f"{en} ({head})"
    if kind == "group" and part in _GROUP:
        zh, en = _GROUP[part]
        return f"「{head}」的{zh}", f"the {en} of '{head}'"
    if kind == "evaluator" and part in _EVALUATOR and head.isdigit():
        zh, en = _EVALUATOR[part]
        return f"第{int(head) + 1}位评价人员的{zh}", f"evaluator {int(head) + 1}'s {en}"
    if kind == "completion" and part in _COMPLETION and head.isdigit():
        zh, en = _COMPLETION[part]
        return f"目标完成清单第{int(head) + 1}项的{zh}", f"the {en} of completion item {int(head) + 1}"
    if kind == "info" and rest in _INFO:
        return _INFO[rest]
    return key, key
