"""Incidents as a pandas DataFrame: the shape the app, filters and exports work on.

Columns are :data:`geo.incidents.FIELDS` plus ``source_count`` and ``outlets``;
``date`` is ``datetime64[ns]``, figures are nullable ``Int64`` (unknown stays
<NA>, never 0), ``sources`` is the JSON text of the source list.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from geo.incidents import FIELDS, Incident, incident_to_row

__all__ = ["FRAME_COLUMNS", "to_frame", "empty_frame", "normalise_frame"]

FRAME_COLUMNS = FIELDS + ("source_count", "outlets")


def to_frame(incidents: Iterable[Incident]) -> pd.DataFrame:
    rows = []
    for inc in incidents:
        row = incident_to_row(inc)
        row["source_count"] = len(inc.sources)
        row["outlets"] = ", ".join(dict.fromkeys(s.outlet for s in inc.sources if s.outlet))
        rows.append(row)
    return normalise_frame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)))


def empty_frame() -> pd.DataFrame:
    return normalise_frame(pd.DataFrame(columns=list(FRAME_COLUMNS)))


def normalise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Coerce column dtypes to the frame contract (used by every producer of frames)."""
    df = df.copy()
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    for name in ("lat", "lon"):
        df[name] = df[name].astype("float64")
    df["geo_precision"] = df["geo_precision"].astype("int64")
    df["source_count"] = df["source_count"].astype("int64")
    df["intercepted"] = df["intercepted"].astype(bool)
    for name in ("munitions", "killed", "injured"):
        df[name] = df[name].astype("Int64")
    for name in FRAME_COLUMNS:
        if name not in ("date", "lat", "lon", "geo_precision", "source_count", "intercepted", "munitions", "killed", "injured"):
            df[name] = df[name].astype("object").where(df[name].notna(), None)
    return df.reset_index(drop=True)
