"""Production processes get bin/process.env: documented glibc allocator settings, nothing else."""
from __future__ import annotations

from e2e.servers import process_env


def test_production_processes_get_only_the_allocator_settings():
    env = process_env()
    assert set(env) == {"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}
    assert all(value.isdigit() for value in env.values())
