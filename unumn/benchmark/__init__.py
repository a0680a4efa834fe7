"""Benchmark helpers: the bare Django floor and the wrk script of ``manage.py loadtest``."""
