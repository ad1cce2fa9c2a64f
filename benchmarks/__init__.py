"""Speed measurements, run by hand from the project's root: python -m benchmarks.NAME."""
