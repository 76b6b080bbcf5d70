"""What the operator's message templates cost a command that may send.

    python bench/templates_bench.py [--runs 2000]

In process, median of `--runs`: reading and checking the home's templates at
the start of such a command (`db.template_files.load_templates`) with no
`templates/` folder (the default) and with all 18 messages overridden; rendering
the SMS; and counting its SMS (`engine.sms_encoding.sms_size`, what `templates
check` does for each SMS template).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.template_files import load_templates
from engine.languages import LANGS
from engine.message_templates import NO_OVERRIDES, SPECS, default_text
from engine.policy import Policy
from engine.sms_encoding import sms_size
from engine.template_values import sample_values


def median_us(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    sms = SPECS["sms_temporary_password"]
    values = sample_values(sms, Policy())
    text = NO_OVERRIDES.render(sms.name, "fr", values)
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        for spec in SPECS.values():
            for lang in LANGS:
                folder = Path(full) / "templates" / lang
                folder.mkdir(parents=True, exist_ok=True)
                (folder / spec.file_name).write_text(default_text(spec.name, lang))
        figures = {
            "load, no templates/ folder": median_us(lambda: load_templates(Path(empty)), runs),
            "load, 18 files overridden": median_us(lambda: load_templates(Path(full)), runs),
            "render the SMS": median_us(lambda: NO_OVERRIDES.render(sms.name, "fr", values), runs),
            "count its SMS (GSM-7/UCS-2)": median_us(lambda: sms_size(text), runs),
        }
    for name, microseconds in figures.items():
        print(f"{name:32} {microseconds:9.1f} µs")


if __name__ == "__main__":
    main()
