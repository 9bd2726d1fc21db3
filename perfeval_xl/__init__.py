"""perfeval_xl: generate, score and collect project-expenditure performance self-evaluation workbooks."""

__version__ = "0.1.0"
