"""Benchmarks on synthetic reports (`make bench`); never on data/raw/."""
