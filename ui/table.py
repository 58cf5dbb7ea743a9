"""The incident table: one row per incident, each linking to it on the map.

``st.dataframe`` draws cells as canvas text (no HTML), so report text cannot
inject markup; links are built here from validated ids and the view's own
query string, and only ``http(s)`` source URLs are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote

import orjson
import pandas as pd
import streamlit as st

from geo.actors import FAMILIES
from geo.incidents import ATTRIBUTIONS, EVENT_TYPES, source_label
from geo.view.filters import Filters
from geo.view.viewstate import ViewState
from ui import cards
from ui.cards import Card
from ui.common import safe_url
from ui.state import query_string

__all__ = [
    "COLUMN_CONFIG",
    "FITTED",
    "TABLE_ROWS",
    "actor_line",
    "fitted_config",
    "incident_cards",
    "incident_table",
    "map_links",
    "most_recent",
    "show_incident_table",
    "source_columns",
    "source_entries",
]

FIT_ROWS = 15  # a table of at most this many rows is as tall as they are
TABLE_ROWS = 5_000  # the table shows at most this many rows (the most recent); downloads have them all

COLUMN_CONFIG = {
    "map": st.column_config.LinkColumn(
        "Map", display_text="Open on map", help="This incident on the map, same filters"
    ),
    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
    "precision": st.column_config.TextColumn("Date precision"),
    "type": st.column_config.TextColumn("Type"),
    "location": st.column_config.TextColumn("Place"),
    "country": st.column_config.TextColumn("Country"),
    "family": st.column_config.TextColumn("Actor family"),
    "actor": st.column_config.TextColumn("Actor"),
    "attribution": st.column_config.TextColumn("Attribution"),
    "attributed_by": st.column_config.TextColumn("Attributed by"),
    "intercepted": st.column_config.CheckboxColumn("Intercepted"),
    "munitions": st.column_config.NumberColumn("Munitions", help="Empty: no source states it"),
    "killed": st.column_config.NumberColumn("Killed", help="Empty: no source states it"),
    "injured": st.column_config.NumberColumn("Injured", help="Empty: no source states it"),
    "source_count": st.column_config.NumberColumn("Sources"),
    "sources": st.column_config.TextColumn(
        "Sources (outlet, date: headline)", width="large", help="Headlines are ours, not the outlets'"
    ),
    "source_link": st.column_config.LinkColumn("First source", display_text="Open report"),
    "summary": st.column_config.TextColumn("Summary", width="large"),
    "id": st.column_config.TextColumn("Id"),
}


# Sized from the longest value shown, not from the first rows the grid measures
# ("Rocket-propelled gren…" further down was cut; so was "Attributed by": "Qassem al-Jabaryn (claim);
# US officials blame…").
FITTED = ("type", "location", "actor", "attributed_by")
# A grid cell's 14 px text, its padding; at most "large" plus a bit (the bundled data's longest
# attribution, 64 characters, fits; a longer one is cut here, whole in the details panel and the downloads).
_CHAR_PX, _PAD_PX, _FIT_MAX_PX = 6.5, 28, 460


def fitted_config(rows: pd.DataFrame, config: Mapping[str, dict] = COLUMN_CONFIG) -> dict[str, dict]:
    """``config`` with the :data:`FITTED` columns as wide as their longest value in ``rows`` (within bounds)."""
    out = dict(config)
    for name in FITTED:
        if name in rows and name in out:
            lengths = rows[name].dropna().astype(str).str.len()
            longest = int(lengths.max()) if len(lengths) else 0
            need = round(_PAD_PX + _CHAR_PX * max(longest, len(out[name].get("label") or "")))
            out[name] = {**out[name], "width": min(need, _FIT_MAX_PX)}
    return out


def map_links(ids: pd.Series, filters: Filters, prefix: str = "") -> pd.Series:
    """``{prefix}/?sel=<id>&<filters>`` for each id: the map with this incident selected."""
    rest = query_string(ViewState(filters=filters)).lstrip("?")
    tail = f"&{rest}" if rest else ""
    return f"{prefix}/?sel=" + ids.map(lambda i: quote(str(i), safe="")) + tail


def source_entries(texts: Sequence[str | None]) -> list[tuple[tuple[str, str | None], ...]]:
    """Per row, its sources from the sources JSON as (label, http(s) address or None) pairs:
    ("AFP, 2022-01-07: …", "https://…")."""
    out = []
    for text in texts:
        try:
            items = [d for d in orjson.loads(text or "[]") if isinstance(d, dict)]
        except orjson.JSONDecodeError:
            items = []
        out.append(tuple((source_label(d.get("outlet"), d.get("published"), d.get("title"), d.get("url")),
                          safe_url(d.get("url"))) for d in items))  # fmt: skip
    return out


def source_columns(
    entries: Sequence[tuple[tuple[str, str | None], ...]],
) -> tuple[list[str], list[str | None]]:
    """(labels, first link) per row of :func:`source_entries`: "AFP, 2022-01-07: …; Reuters, …"
    and the first source with an http(s) address (None when none has one)."""
    labels = ["; ".join(label for label, _ in row) for row in entries]
    return labels, [next((url for _, url in row if url), None) for row in entries]


def incident_table(
    df: pd.DataFrame, filters: Filters, prefix: str = "", sources: Sequence[str | None] | None = None
) -> pd.DataFrame:
    """The displayed columns of ``df`` (labels instead of keys, a map link per row).

    ``sources`` (each row's sources as :func:`source_entries` reads them) adds the sources'
    titles and a link to the first; without it the table lists the outlets.
    """
    labels, links = source_columns(sources) if sources is not None else (df["outlets"], None)
    return pd.DataFrame(
        {
            "map": map_links(df["id"], filters, prefix),
            "date": df["date"].dt.date,
            "precision": df["date_precision"],
            "type": df["event_type"].map(EVENT_TYPES).fillna(df["event_type"]),
            "location": df["location"],
            "country": df["country"],
            "family": df["actor_family"].map(FAMILIES).fillna(df["actor_family"]),
            "actor": df["actor"],
            "attribution": df["attribution"].map(ATTRIBUTIONS).fillna(df["attribution"]),
            "attributed_by": df["attributed_by"],
            "intercepted": df["intercepted"],
            "munitions": df["munitions"],
            "killed": df["killed"],
            "injured": df["injured"],
            "source_count": df["source_count"],
            "sources": labels,
            "source_link": links,
            "summary": df["summary"],
            "id": df["id"],
        }
    ).sort_values(["date", "id"], ascending=[False, True], kind="stable")


def most_recent(df: pd.DataFrame, limit: int = TABLE_ROWS) -> pd.DataFrame:
    """The ``limit`` most recent rows of ``df`` (ties by id, as the table sorts), without sorting all of it."""
    if len(df) <= limit:
        return df
    cut = df["date"].reset_index(drop=True).nlargest(limit, keep="all").index  # positions; ties all kept...
    recent = df.take(cut)
    return recent.sort_values(["date", "id"], ascending=[False, True], kind="stable").head(limit)  # ...then cut


def show_incident_table(
    df: pd.DataFrame, filters: Filters, prefix: str = "", *, limit: int = TABLE_ROWS, sources=None, caption: str = ""
) -> None:
    """The table of ``df``, capped at its ``limit`` most recent rows (a note says so when it cuts).

    ``sources(rows)`` returns the sources JSON of those rows (:func:`ui.data.sources_text`
    reads them from the store only for the rows shown).
    """
    shown = most_recent(df, limit)
    if len(shown) < len(df):
        st.caption(
            f"Showing the {len(shown):,} most recent of {len(df):,} incidents. Narrow the filters to see the "
            "others, or download them all (sidebar)."
        )
    entries = source_entries(sources(shown)) if sources else None
    rows = incident_table(shown, filters, prefix, entries)
    by_id = dict(zip(shown["id"], entries, strict=True)) if entries is not None else {}
    cards.show_grid(
        "ia_table", rows, incident_cards(rows.head(cards.CARD_ROWS), by_id), column_config=fitted_config(rows),
        hide_index=True,
        # As tall as its rows, up to 15 (then it scrolls within 560 px): eight incidents sat over a
        # column of empty rows that read as missing data.
        height="content" if len(rows) <= FIT_ROWS else 560,
        caption=caption, intro="Most recent first. Each card links to the incident on the map.",
    )  # fmt: skip


def _count(value, word: str) -> str:
    return "" if pd.isna(value) else f"{int(value):,} {word if int(value) != 1 else word.rstrip('s')}"


def actor_line(family, actor, attribution, by: str) -> str:
    """Family · actor · attribution · by whom, each unknown one named once in front rather than
    repeated: "Actor and attribution unknown", never "Unknown · Unknown · Unknown". An unknown
    actor implies an unknown family, so the family is then not named."""
    fields = {"family": family, "actor": actor, "attribution": attribution}
    unknown = [name for name, v in fields.items() if isinstance(v, str) and v.strip().lower() == "unknown"]
    if "actor" in unknown and "family" in unknown:
        unknown.remove("family")
    known = [str(v) for v in (*fields.values(), by) if isinstance(v, str) and v and v.strip().lower() != "unknown"]
    missing = (" and ".join(unknown) + " unknown").capitalize() if unknown else ""
    return " · ".join(p for p in (missing, *known) if p)


def incident_cards(
    rows: pd.DataFrame, entries: Mapping[str, tuple[tuple[str, str | None], ...]] | None = None
) -> Iterator[Card]:
    """A phone's card per row of :func:`incident_table`: date and type, then place, actor,
    attribution and who attributes it, the figures a source states, the summary; the sources
    (``entries`` by incident id, each linked to its report; the table's sources text without
    them), the first few and the rest folded; links to the map and the first report."""
    entries = entries or {}
    for r in rows.itertuples(index=False):
        figures = ", ".join(
            f for f in (_count(r.munitions, "munitions"), _count(r.killed, "killed"), _count(r.injured, "injured")) if f
        )
        by = f"by {r.attributed_by}" if isinstance(r.attributed_by, str) and r.attributed_by else ""
        actor = actor_line(r.family, r.actor, r.attribution, by)
        yield Card(
            title=f"{r.date} · {r.type}" + (" (intercepted)" if pd.notna(r.intercepted) and r.intercepted else ""),
            lines=(", ".join(str(v) for v in (r.location, r.country) if isinstance(v, str) and v), actor, figures,
                   r.summary if isinstance(r.summary, str) else ""),
            links=(("Open on map", r.map), ("Open report", r.source_link)),
            entries=entries.get(r.id) or (((r.sources, None),) if isinstance(r.sources, str) else ()),
        )  # fmt: skip
