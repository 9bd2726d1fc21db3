"""Write docs/findings.md (every finding code and its messages) from the catalogue.

Usage: python scripts/make_findings_doc.py
"""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.findings.markdown import findings_markdown

TARGET = Path(__file__).resolve().parent.parent / "docs" / "findings.md"

if __name__ == "__main__":
    TARGET.write_text(findings_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")
