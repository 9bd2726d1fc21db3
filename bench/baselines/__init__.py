"""Frozen baselines: what a bureau would otherwise write. Do not optimise them."""
