"""How the rich-text conversion's work grows with the size of hostile bodies.

For each body shape (nested emphasis, brackets, raw HTML, ...) at 8, 16, 32 and 64 KB it counts
the Python function calls one conversion makes (deterministic: the same on every machine) and
times it. Linear conversion shows as a flat "calls/KB" column; the "growth" column is the
calls/KB at the largest size over that at the smallest (1.0 is perfectly linear; a quadratic
step doubles it with each doubling of the input, 8.0 over this range).

    python bench/rich_text_work.py
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable

from sync.rich_text import markdown_to_html_notes

URL = "https://github.com/example-org/support/issues/1"
SIZES_KB = (8, 16, 32, 64)
SHAPES: dict[str, Callable[[int], str]] = {
    "nested *": lambda n: "*" * (n // 2) + "a" + "*" * (n // 2),
    "nested _": lambda n: "_" * (n // 2) + "a" + "_" * (n // 2),
    "nested ~~": lambda n: "~~" * (n // 4) + "a" + "~~" * (n // 4),
    "nested [ ]": lambda n: "[" * (n // 2) + "a" + "]" * (n // 2),
    "nested <b>": lambda n: "<b>" * (n // 7) + "a" + "</b>" * (n // 7),
    "links": lambda n: "[a](http://x.org/) " * (n // 19),
    "unclosed ![": lambda n: "![" * (n // 2),
    "*a": lambda n: "*a" * (n // 2),
    "backticks": lambda n: "`a" * (n // 2),
    "bare URLs": lambda n: "http://a.b/x " * (n // 13),
    "list items": lambda n: "- a\n  " * (n // 6),
}


def calls(body: str) -> int:
    """Python function calls made by one conversion of `body`."""
    profile = cProfile.Profile()
    profile.enable()
    markdown_to_html_notes(body, issue_url=URL)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined, no-any-return]


def seconds(body: str) -> float:
    """Wall time of one conversion of `body`."""
    started = time.perf_counter()
    markdown_to_html_notes(body, issue_url=URL)
    return time.perf_counter() - started


def main() -> None:
    """Print calls and milliseconds per KB for each shape and size."""
    head = "".join(f"{kb:>9} KB" for kb in SIZES_KB)
    print(f"{'shape':<12}{'':>8}{head}   growth")
    for name, make in SHAPES.items():
        per_kb = [calls(make(kb * 1000)) / kb for kb in SIZES_KB]
        ms_kb = [seconds(make(kb * 1000)) * 1000 / kb for kb in SIZES_KB]
        print(f"{name:<12}{'calls/KB':>8}" + "".join(f"{v:>12,.0f}" for v in per_kb), end="")
        print(f"   {per_kb[-1] / per_kb[0]:.2f}")
        print(f"{'':<12}{'ms/KB':>8}" + "".join(f"{v:>12.2f}" for v in ms_kb))


if __name__ == "__main__":
    main()
