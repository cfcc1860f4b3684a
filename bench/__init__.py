"""Benchmarks of govarchive (not tests): per-page cost, crawl throughput, growth.

``python -m bench`` runs them and rewrites ``docs/benchmarks.md``; ``bench.site`` is the
generated loopback disclosure site the crawl benchmarks (and other tools) use.
"""
