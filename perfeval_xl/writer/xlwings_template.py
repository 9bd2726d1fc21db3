"""The VBA project of the xlwings flavour, read from the installed xlwings package.

xlwings ships `quickstart_standalone.xlsm`, whose vbaProject.bin holds xlwings' whole
VBA runtime (the module that starts Python and forwards UDF calls to it). That runtime
loads a DLL named after one exact xlwings version, so the workbook only works with that
version installed on the analyst's PC: generation refuses any installed version other
than the one this package pins. Nothing of xlwings is copied into this repository; the
bytes are read at generation time and written unchanged (XlsxWriter's add_vba_project).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import zipfile
from pathlib import Path

XLWINGS_PIN = "0.37.8"  # the same version as the `xlwings` extra in pyproject.toml
TEMPLATE = "quickstart_standalone.xlsm"
VBA_PART = "xl/vbaProject.bin"
# The document modules the template's VBA project holds; the writer gives the workbook and
# its first sheets these code names (further sheets get Sheet3, Sheet4 ... in order).
WORKBOOK_CODE_NAME = "ThisWorkbook"
SHEET_CODE_NAME = "Sheet{}"


class XlwingsTemplateError(Exception):
    """xlwings is missing, of another version than the pinned one, or its template is unreadable."""


def installed_version() -> str | None:
    try:
        return importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        return None


def _package_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise XlwingsTemplateError("找不到已安装的 xlwings 包。")
    return Path(next(iter(spec.submodule_search_locations)))


def vba_project(pin: str = XLWINGS_PIN) -> bytes:
    """The template's vbaProject.bin, after checking that the installed xlwings is `pin`."""
    version = installed_version()
    install = f'pip install "xlwings=={pin}"（或 pip install "perfeval_xl[xlwings]"）'
    if version is None:
        raise XlwingsTemplateError(f"未安装 xlwings，无法生成启用宏的 .xlsm 工作簿。请先运行：{install}")
    if version != pin:
        raise XlwingsTemplateError(
            f"已安装的 xlwings 版本为 {version}，本工具要求 {pin}：工作簿中的 VBA 只能配合同一版本的 xlwings 使用，"
            f"未生成任何工作簿。请运行：{install}"
        )
    template = _package_dir() / TEMPLATE
    try:
        with zipfile.ZipFile(template) as archive:
            return archive.read(VBA_PART)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise XlwingsTemplateError(f"无法从 xlwings 模板 {template} 读取 {VBA_PART}：{exc}") from exc
