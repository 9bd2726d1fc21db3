"""Support for the xlwings UDFs of `perfeval_xl.udfs`: cell conversion, the calls into the
engine, the UDF declarations and the VBA wrapper module generated from them.

Nothing here imports the writer or the collector; the UDF module is the only entry point
xlwings sees.
"""
