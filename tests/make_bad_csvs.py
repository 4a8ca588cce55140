"""A corpus of malformed (and a few odd but valid) CSV uploads, each with the message it must get.

`python -m tests.make_bad_csvs DIR` writes the files to DIR (to try them by hand in the app);
`corpus()` gives them to the tests: name -> (file bytes, the message's key phrase, or None for a
file that must be accepted).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HTML_HEADER = '<a href="https://example.org">click</a> <b>bold</b> <img src=x onerror=alert(1)>'


def _rows(n: int, classes: int = 2, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    return "".join(f"{a:.3f},{b:.3f},{k}\n" for (a, b), k in zip(rng.normal(size=(n, 2)), np.arange(n) % classes))


def corpus() -> dict[str, tuple[bytes, str | None]]:
    """Every file of the corpus with the phrase its message must hold (None: the file is accepted)."""
    good = "x1,x2,label\n" + _rows(60)
    rng = np.random.default_rng(0)
    wide = ",".join(f"c{k}" for k in range(3000)) + "\n" + ",".join("1" for _ in range(3000)) + "\n"
    files: dict[str, tuple[str | bytes, str | None]] = {
        "empty": ("", "the file is empty"),
        "blank_lines": ("\n\n  \n", "the file is empty"),
        "header_only": ("x1,x2,label\n", "has a header but no data rows"),
        "ragged": ("x1,x2,label\n1,2,0\n3,4\n", "line 3 has 2 values but the header has 3 columns"),
        "non_numeric": ("x1,x2,label\n1,2,0\n3,four,1\n", "line 3, column 'x2' holds 'four', which is not a number"),
        "empty_cell": ("x1,x2,label\n1,2,0\n3,,1\n", "line 3, column 'x2' is empty"),
        "nan": ("x1,x2,label\n1,NaN,0\n3,4,1\n", "line 2, column 'x2' holds 'NaN'; remove or fill in NaN"),
        "inf": ("x1,x2,label\n1,2,0\n-inf,4,1\n", "line 3, column 'x1' holds '-inf'"),
        "huge_1e308": ("x1,x2,label\n1,1e308,0\n3,4,1\n", "holds 1e+308, beyond ±1e+100"),
        "thousands_of_columns": (wide, "the header has 3000 columns; at most 100"),
        "too_many_rows": ("x1,x2,label\n" + _rows(6000), "more than 5000 data rows (line 5002 is one too many)"),
        "semicolons": ("x1;x2;label\n1;2;0\n3;4;1\n", "one column and semicolons in it"),
        "tabs": ("x1\tx2\tlabel\n1\t2\t0\n3\t4\t1\n", "one column and tabs in it"),
        "latin1": ("x1,größe,label\n1,2,0\n3,4,1\n".encode("latin-1"), "is not UTF-8 text"),
        "binary_junk": (rng.integers(0, 256, 4000, dtype=np.uint8).tobytes(), "is not UTF-8 text"),
        "nul_bytes": ("x1,x2,label\n1,2\x00,0\n", "which is not a number"),
        "huge_cell": ("x1,x2,label\n1," + "9" * 200_000 + ",0\n", "cannot be read as CSV"),
        "duplicate_headers": ("a,a,label\n1,2,0\n3,4,1\n", "columns 1 and 2 are both named 'a'"),
        "thousand_classes": ("x1,x2,label\n" + _rows(2000, classes=1000), "1000 distinct values; at most 50 classes"),
        "constant_columns": ("x1,x2,label\n" + "1,1,1\n" * 50, "holds only one class"),
        "one_column": ("label\n0\n1\n0\n", "needs at least two columns"),
        "over_the_size_limit": ("x1,x2,label\n" + "1,2,0\n" * 400_000, "at most 2 MB are allowed"),
        "bom": ("\ufeff" + good, None),
        "html_headers": (good.replace("x1", HTML_HEADER.replace(",", " "), 1), None),
    }
    return {name: (text if isinstance(text, bytes) else text.encode(), phrase)
            for name, (text, phrase) in files.items()}


def write_corpus(files: dict, folder: str, suffix: str) -> None:
    """Write every file of a corpus ({name: (bytes, expected)}) to `folder` as NAME + suffix."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in files.items():
        (out / f"{name}{suffix}").write_bytes(data)


def main(folder: str) -> None:
    """Write every file of the corpus to `folder` as NAME.csv."""
    write_corpus(corpus(), folder, ".csv")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bad_csvs")
