"""Codes the collector adds to what `check` finds."""

from perfeval_xl.findings.catalogue import entries
from perfeval_xl.findings.model import Severity as S

ENTRIES = entries("collect", [
    ("COLLECT_NOT_ISSUED", S.REJECT,
     "本批次的发放登记簿中没有项目“{project}”的第 {version} 版表格。",
     "The batch's issuance register holds no version {version} of project '{project}'.",
     "请核对是否误报了其他批次或其他地区的表格。", "Check whether a form of another batch or region was sent."),
])
