"""Download the current selection as GeoJSON or CSV (formats by :mod:`geo.export`).

The files are produced only when a button is pressed (Streamlit runs the
callable then), so a page showing 10k incidents does not serialise them on
every rerun.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

__all__ = ["export_buttons"]


def export_buttons(df: pd.DataFrame, *, stem: str = "incidents", key: str = "ia_export") -> None:
    """GeoJSON and CSV download buttons for ``df`` (the filtered incidents)."""
    from geo.export import to_csv, to_geojson

    left, right = st.columns(2)
    left.download_button(
        "GeoJSON", data=lambda: to_geojson(df), file_name=f"{stem}.geojson",
        mime="application/geo+json", key=f"{key}_geojson", icon=":material/download:", width="stretch",
    )  # fmt: skip
    right.download_button(
        "CSV", data=lambda: to_csv(df), file_name=f"{stem}.csv", mime="text/csv",
        key=f"{key}_csv", icon=":material/download:", width="stretch",
    )  # fmt: skip
