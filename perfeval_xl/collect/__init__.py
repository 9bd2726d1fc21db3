"""`perfeval collect`: take back a folder of returned workbooks, check them, keep every version."""

from perfeval_xl.collect.run import CollectOptions, CollectResult, collect

__all__ = ["CollectOptions", "CollectResult", "collect"]
