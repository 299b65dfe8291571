"""Benchmarks of Ghimar Desk; run one with `python -m bench <name> [--quick]`."""
