"""The Step-by-step page's update table, its largest changes highlighted."""

from __future__ import annotations

import pandas as pd

from ui import theme
from ui.derivation import equations as der

HIGHLIGHT_CSS = f"background-color: {theme.HIGHLIGHT_BG}; font-weight: 600"


def styled_updates(rows: list[dict]) -> pd.io.formats.style.Styler:
    frame = pd.DataFrame(rows)
    top = der.largest_changes(rows)
    return frame.style.apply(
        lambda r: [HIGHLIGHT_CSS if r.name in top else "" for _ in r], axis=1
    ).format({k: "{:.6g}" for k in ("before", "gradient", "after", "change")})
