"""Simulated unit returns for the demo and benchmarks: honest, late, tampered, broken."""
