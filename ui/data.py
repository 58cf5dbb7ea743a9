"""Data access for the pages, cached on the store's version.

The store is opened once per database URL (``st.cache_resource``); the frame
and everything derived from it (actor colours, option lists, per-filter map
data) are cached with ``st.cache_data`` keyed on :meth:`Store.version`, so an
edit anywhere invalidates them and an unchanged store is never re-read.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.config import Settings, get_settings
from geo.filters import Filters, apply_filters
from ui.maplayers import incident_features, script_json
from ui.symbols import ActorColours, actor_colours

__all__ = ["Dataset", "filtered", "get_store", "layer_data", "load_dataset", "reference_today"]


@dataclass(frozen=True)
class Dataset:
    """One version of the data and what every page derives from it."""

    version: str
    frame: pd.DataFrame
    colours: ActorColours
    actors: tuple[str, ...]  # most frequent first
    countries: tuple[str, ...]
    ids: frozenset[str]


@st.cache_resource(show_spinner="Opening the incident store…")
def _open_store(database_url: str, incidents_csv: str, _settings: Settings):
    from geo.store import Store

    return Store.open(_settings)


def get_store(settings: Settings | None = None):
    """The store the settings name (one per database URL and process)."""
    settings = settings or get_settings()
    return _open_store(settings.database_url, str(settings.incidents_csv), settings)


@st.cache_data(show_spinner="Loading incidents…", max_entries=4)
def _dataset(version: str, database_url: str) -> Dataset:
    df = get_store().frame()
    actors = tuple(df["actor"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index)
    return Dataset(
        version=version,
        frame=df,
        colours=actor_colours(df["actor"]),
        actors=actors,
        countries=tuple(sorted(df["country"].dropna().unique())),
        ids=frozenset(df["id"]),
    )


def load_dataset() -> Dataset:
    """The current data; re-read only when the store's version changed."""
    store = get_store()
    return _dataset(store.version(), store.url)


def reference_today(df: pd.DataFrame, env: Mapping[str, str] | None = None) -> dt.date:
    """ "Today" for the date presets: ``GEO_TODAY`` if set, else the latest incident date.

    Never the wall clock: "last 30 days" then means the last 30 days *of data*,
    which is what an analyst reading an archive wants, and tests are stable.
    """
    env = os.environ if env is None else env
    raw = (env.get("GEO_TODAY") or "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass  # a bad override falls back to the data, it must not break the page
    if df.empty:
        return dt.date(2000, 1, 1)
    return df["date"].max().date()


def filtered(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    """The incidents passing ``filters`` (cheap: vectorised masks over the cached frame)."""
    return apply_filters(dataset.frame, filters)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Filters: repr})
def _layer_data(version: str, filters: Filters, _dataset: Dataset) -> tuple[str, int]:
    df = filtered(_dataset, filters)
    return script_json(incident_features(df, _dataset.colours)), len(df)


def layer_data(dataset: Dataset, filters: Filters) -> tuple[str, int]:
    """(GeoJSON text for the incident layer, number of points), cached per version and filters."""
    return _layer_data(dataset.version, filters, dataset)
