"""Seconds spent in each named stage of a build, for the build's summary line and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Stopwatch:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started

    @property
    def total(self) -> float:
        return sum(self.stages.values())

    def __str__(self) -> str:
        return "用时：" + " · ".join(f"{name} {seconds:.1f} s" for name, seconds in self.stages.items())
