"""Write docs/check-report.schema.json: the JSON Schema of `perfeval check --json`.

Usage: python scripts/make_check_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from perfeval_xl.commands.check_report import document_schema

TARGET = Path(__file__).resolve().parent.parent / "docs" / "check-report.schema.json"

if __name__ == "__main__":
    TARGET.write_text(json.dumps(document_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")
