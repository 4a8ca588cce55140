"""User text and numbers made safe to show: plain text in plotly and markdown, bounded widths.

Plotly renders a subset of HTML in its text (links, bold, line breaks) and Streamlit renders
markdown in messages and captions, so every user-supplied string (CSV headers, link values,
labels typed on Compare) passes through `for_plotly` or `for_markdown` before it is shown.
"""

from __future__ import annotations

import math
import re

MAX_NUMBER_WIDTH = 10  # a number wider than this in its usual format is shown in scientific notation

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|])")  # what can start markup, links or LaTeX mid-line
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")  # what starts Streamlit's :colour[…], :material/…: and :emoji: mid-line


def for_plotly(text: str) -> str:
    """`text` as plain text in plotly's labels and hovers (its HTML subset and hover templates' % escaped)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "&#37;")


def for_markdown(text: str) -> str:
    """`text` as plain text in Streamlit markdown (markdown and HTML characters escaped)."""
    text = _DIRECTIVE.sub(r"\\:", _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))).replace("\n", " ")
    return text.replace("://", "\\://").replace("www.", "www\\.")  # no bare links either


def number(value: float, spec: str = ".4g") -> str:
    """`value` in format `spec` when that stays short, else like 5.0e+81; '—' when not finite."""
    value = float(value)
    if not math.isfinite(value):
        return "—"
    text = format(value, spec)
    if len(text) <= MAX_NUMBER_WIDTH:
        return text
    return format(value, "+.1e" if spec.startswith("+") else ".1e")
