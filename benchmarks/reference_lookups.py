"""Reference lookups on huge or hostile input: keywords, terms in free text, countries.

Run: ``python -m benchmarks.reference_lookups [--repeat 5]``. People paste anything into profile
answers; these figures show that the taxonomy and the country resolver stay fast on the worst
inputs the tests feed them (tests/core/test_taxonomy.py and test_countries.py check the results,
not the time). Each figure is the best of ``--repeat`` runs, after one warm-up call that loads
the reference data.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from core.reference.countries import resolve_country
from core.reference.taxonomy import normalise_keywords, terms_in_text

CASES: dict[str, Callable[[], object]] = {
    'normalise_keywords("quantum thing, " x 50,000)': lambda: normalise_keywords(
        "quantum thing, " * 50_000
    ),
    'normalise_keywords("x" x 100,000)': lambda: normalise_keywords("x" * 100_000),
    'terms_in_text("lorem ipsum QKD dolor 양자 " x 10,000)': lambda: terms_in_text(
        "lorem ipsum QKD dolor 양자 " * 10_000
    ),
    'resolve_country("ab🙂" x 2,000), 20 times': lambda: [
        resolve_country("ab🙂" * 2000) for _ in range(20)
    ],
}


def best_ms(run: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return min(samples) * 1000


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, warm up, print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    terms_in_text("warm-up")
    resolve_country("warm-up")
    width = max(map(len, CASES))
    print(f"Reference lookups on huge input (best of {args.repeat})")
    for name, run in CASES.items():
        print(f"{name:<{width}}  {best_ms(run, args.repeat):8.1f} ms")


if __name__ == "__main__":
    main()
