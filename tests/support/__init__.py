"""Helpers shared by tests (kept out of conftest.py so it stays small)."""
