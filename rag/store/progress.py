"""How far a long build has got: a progress bar on a terminal, else a line at the start, every half minute and at
the end (a log file or a CI job shows progress too). Each says the rate and the time left. say() tells of a
step with no count (preparing the model)."""

import sys
import time

LINE_EVERY = 30.0  # seconds between lines when stderr is not a terminal


class Meter:
    def __init__(self, what: str, total: int, unit: str, *, enabled: bool = True):
        self.what, self.total, self.unit = what, total, unit
        self.done = 0
        self.began = self.said = time.monotonic()
        self.bar = None
        self.enabled = enabled and total > 0
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=what, unit=f" {unit}", unit_scale=True, dynamic_ncols=True)
        elif self.enabled:
            say(f"{what} {total:,} {unit} ...")

    def advance(self, count: int, note: str = "") -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
        elif self.enabled and time.monotonic() - self.said >= LINE_EVERY:
            self.said = time.monotonic()
            print(self.line(note), file=sys.stderr, flush=True)

    def line(self, note: str = "") -> str:
        """ "Embedding: 12,288 of 50,115 texts (25%), 98 texts/s, about 6 min left" """
        seconds = time.monotonic() - self.began
        rate = self.done / seconds if seconds > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        share = 100 * self.done / self.total if self.total else 100
        extra = f"; {note}" if note else ""
        return (
            f"{self.what}: {self.done:,} of {self.total:,} {self.unit} ({share:.0f}%), {rate:,.0f} {self.unit}/s, "
            f"about {_duration(left)} left{extra}"
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            seconds = time.monotonic() - self.began
            say(f"{self.what}: {self.done:,} {self.unit} in {_duration(seconds)}.")


def say(message: str, enabled: bool = True) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if seconds != seconds:  # nan: no rate yet
        return "an unknown time"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
