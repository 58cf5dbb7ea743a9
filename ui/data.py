"""Data access for the pages, cached on the store's version.

The store is opened once per database URL (``st.cache_resource``). Everything
else hangs off one :class:`Dataset` per store version, shared by every session
(``st.cache_resource``: never copied, never pickled):

* the *light* frame of :mod:`geo.storage.snapshot` (no sources JSON; categorical text),
  read from its snapshot file on a cold start and, when the version moves,
  patched from the previous data set's snapshot with just the incidents written
  since (:func:`geo.storage.snapshot.refresh`: a fraction of a second at a million
  incidents, where a rebuild takes ~10 s);
* what the filters and the map need, computed once: colours, option lists, an
  id index, each incident's Web Mercator position and colour group.

Per filter, the row positions passing it are kept in a small LRU; per (filters,
zoom, region) the map layer text is cached with ``st.cache_data``. Sources are
never held in memory: the details panel reads its incident from the store, and
exports (:mod:`ui.downloads`) and map popups fetch the sources of just the rows they need.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from geo.view.aggregate import POINT_LIMIT, Region, bin_points, project, region_for_bounds
from geo.config import Settings, get_settings
from geo.view.filters import Filters
from geo.incidents import EVENT_TYPES
from geo.storage.snapshot import Snapshot
from ui.maplayers import incident_features, script_json
from ui.symbols import OTHER_ACTOR, OTHER_COLOUR, UNKNOWN_ACTOR, UNKNOWN_COLOUR, ActorColours, family_colours

__all__ = [
    "Dataset",
    "IdSet",
    "MapLayer",
    "MapPoints",
    "derived",
    "filtered",
    "get_store",
    "headline",
    "incident_row",
    "load_dataset",
    "map_layer",
    "next_dataset",
    "positions",
    "reference_today",
    "shown_position",
    "timeline",
]

T = TypeVar("T")
_KINDS = tuple(EVENT_TYPES)  # event type -> kind code (its index), as the layer script reads them
_POSITIONS = 16  # filter results kept per dataset
_DERIVED = 256  # per-filter figures (timeline, headline) kept per dataset
_NO_DAY = np.iinfo(np.int64).min  # NaT as int64
SMALL_BIN = 3  # bins of this many incidents or fewer are drawn as the incidents' own markers...
MAX_SINGLES = 400  # ...as long as that makes no more markers than this


class IdSet:
    """The incident ids, for ``id in ids`` (a hash index built on first use, shared)."""

    def __init__(self, ids: pd.Series):
        self._ids = ids
        self._index: pd.Index | None = None
        self._lock = threading.Lock()

    def _idx(self) -> pd.Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = pd.Index(self._ids)
        return self._index

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._idx()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.tolist())

    def __len__(self) -> int:
        return len(self._ids)

    def position(self, value: str) -> int | None:
        """Row position of ``value`` in the frame, or None."""
        if value not in self:
            return None
        loc = self._idx().get_loc(value)
        return int(loc) if isinstance(loc, (int, np.integer)) else int(np.flatnonzero(np.asarray(loc))[0])


@dataclass(frozen=True)
class MapPoints:
    """Per incident, what the map aggregation needs (aligned with the frame rows)."""

    x: np.ndarray  # Web Mercator world coordinates (geo.view.aggregate.project)
    y: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    group: np.ndarray  # index into ``groups``: the actor's legend entry
    kind: np.ndarray  # index into EVENT_TYPES
    groups: tuple[tuple[str, str], ...]  # (legend label, colour)
    day: np.ndarray | None = None  # days since 1970-01-01 (NaT: _NO_DAY), for the timeline


@dataclass(frozen=True, eq=False)
class Dataset:
    """One version of the data and what every page derives from it."""

    version: str
    frame: pd.DataFrame  # the light frame (geo.storage.snapshot): every frame column but ``sources``
    colours: ActorColours
    actors: tuple[str, ...]  # most frequent first
    countries: tuple[str, ...]
    ids: IdSet
    event_types: tuple[str, ...] = ()  # the types present
    snapshot: Snapshot | None = None
    points: MapPoints | None = None
    _positions: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _derived: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _sources: OrderedDict = field(default_factory=OrderedDict, repr=False)  # row position -> sources JSON
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@st.cache_resource(show_spinner="Opening the incident store…")
def _open_store(database_url: str, incidents_csv: str, _settings: Settings):
    from geo.storage.store import Store

    return Store.open(_settings)


def get_store(settings: Settings | None = None):
    """The store the settings name (one per database URL and process)."""
    settings = settings or get_settings()
    return _open_store(settings.database_url, str(settings.incidents_csv), settings)


def build_dataset(snapshot: Snapshot) -> Dataset:
    """Everything the pages derive from one snapshot (pure: no Streamlit, no store)."""
    df = snapshot.frame
    counts = df["actor"].value_counts(sort=False)
    counts = counts[counts > 0]
    actors = tuple(counts.sort_index().sort_values(ascending=False, kind="stable").index.astype(object))
    colours = family_colours(df["actor"], df["actor_family"])
    return Dataset(
        version=snapshot.version,
        frame=df,
        colours=colours,
        actors=actors,
        countries=tuple(sorted(str(c) for c in df["country"].dropna().unique())),
        ids=IdSet(df["id"]),
        event_types=tuple(str(t) for t in df["event_type"].dropna().unique()),
        snapshot=snapshot,
        points=_map_points(df, colours),
    )


def _map_points(df: pd.DataFrame, colours: ActorColours) -> MapPoints:
    lat = df["lat"].to_numpy(dtype="float64")
    lon = df["lon"].to_numpy(dtype="float64")
    x, y = project(lat, lon)
    groups = [*colours.named.items(), (OTHER_ACTOR, OTHER_COLOUR), (UNKNOWN_ACTOR, UNKNOWN_COLOUR)]
    labels = [label for label, _ in groups]
    actor = df["actor"].astype("category")
    group_of_category = np.array(
        [labels.index(colours.group(a)) for a in actor.cat.categories.astype(object)] + [labels.index(UNKNOWN_ACTOR)]
    )  # the last entry: code -1 (missing actor)
    kind = df["event_type"].astype("category")
    kind_of_category = np.array(
        [_KINDS.index(t) if t in _KINDS else _KINDS.index("other") for t in kind.cat.categories.astype(object)]
        + [_KINDS.index("other")]
    )
    return MapPoints(
        x=x,
        y=y,
        lat=lat,
        lon=lon,
        group=group_of_category[actor.cat.codes.to_numpy()].astype(np.int16),
        kind=kind_of_category[kind.cat.codes.to_numpy()].astype(np.int16),
        groups=tuple(groups),
        day=df["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64),
    )


_LOADED = threading.Event()  # a data set was built in this process (ui.page freezes the heap after it)


# The newest Dataset built per (database URL, cache dir): the base the next version is patched
# from. A weak reference: the cache below owns the datasets, this must not keep one alive.
_NEWEST: dict[tuple[str, str], weakref.ref] = {}
_NEWEST_LOCK = threading.Lock()


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def _dataset(version: str, database_url: str, cache_dir: str) -> Dataset:
    dataset = next_dataset(get_store(), cache_dir, version=version)
    _LOADED.set()
    return dataset


def next_dataset(store, cache_dir: str, *, version: str | None = None) -> Dataset:
    """The :class:`Dataset` of the store's current version (what ``_dataset`` caches; tests call it directly).

    Its snapshot is refreshed from the newest Dataset this process built for the
    same store, when it still lives, reading only what changed since
    (:func:`geo.storage.snapshot.load` with ``previous``); else from the snapshot files.
    """
    from geo.storage.snapshot import load

    key = (store.url, str(cache_dir))
    with _NEWEST_LOCK:
        ref = _NEWEST.get(key)
    previous = ref() if ref is not None else None
    # The snapshot file is for the next cold start: written in the background, off this page's path.
    snapshot = load(
        store, cache_dir, version=version, previous=previous.snapshot if previous else None, background=True
    )
    dataset = build_dataset(snapshot)
    with _NEWEST_LOCK:
        ref = _NEWEST.get(key)
        newest = ref() if ref is not None else None
        if newest is None or not _newer(newest.version, dataset.version):  # two versions built at once
            _NEWEST[key] = weakref.ref(dataset)
    return dataset


def _newer(version: str, than: str) -> bool:
    """True when ``version`` is a later version of the same store than ``than``."""
    store, _, number = version.rpartition(":")
    other, _, other_number = than.rpartition(":")
    return store == other and number.isdigit() and other_number.isdigit() and int(number) > int(other_number)


def dataset_loaded() -> bool:
    """True once a :class:`Dataset` was built in this process."""
    return _LOADED.is_set()


def load_dataset() -> Dataset:
    """The current data; re-read only when the store's version changed."""
    store = get_store()
    return _dataset(store.version(), store.url, str(get_settings().cache_dir))


def reference_today(env: Mapping[str, str] | None = None) -> dt.date:
    """ "Today" for the date presets: ``GEO_TODAY`` if set, else the calendar's today (UTC).

    "Last 7 days" means the last seven days, as a reader expects; when the data
    holds nothing that recent, the map page says so and points to the newest
    incidents (:func:`ui.timecontrols.empty_period_notice`). ``GEO_TODAY`` fixes it
    for tests and demos.
    """
    env = os.environ if env is None else env
    raw = (env.get("GEO_TODAY") or "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass  # a bad override falls back to the data, it must not break the page
    return dt.datetime.now(dt.timezone.utc).date()


def positions(dataset: Dataset, filters: Filters) -> np.ndarray:
    """Row positions (ascending) of the incidents passing ``filters``; the last few are kept."""
    key = repr(filters)
    with dataset._lock:
        hit = dataset._positions.get(key)
        if hit is not None:
            dataset._positions.move_to_end(key)
            return hit
    if dataset.snapshot is not None:
        mask = dataset.snapshot.mask(filters)
    else:  # a dataset built from a plain frame (tests)
        from geo.view.filters import filter_mask

        mask = filter_mask(dataset.frame, filters)
    found = np.flatnonzero(mask)
    found.setflags(write=False)
    with dataset._lock:
        dataset._positions[key] = found
        while len(dataset._positions) > _POSITIONS:
            dataset._positions.popitem(last=False)
    return found


def shown_position(dataset: Dataset, filters: Filters, incident_id: str | None) -> int | None:
    """Row position of ``incident_id`` when it passes ``filters``, else None."""
    position = dataset.ids.position(incident_id) if incident_id else None
    if position is None:
        return None
    shown = positions(dataset, filters)
    at = int(np.searchsorted(shown, position))
    return position if at < len(shown) and shown[at] == position else None


def filtered(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    """The incidents passing ``filters``: rows of the light frame (its index = row positions)."""
    pos = positions(dataset, filters)
    return dataset.frame if len(pos) == len(dataset.frame) else dataset.frame.take(pos)


def derived(dataset: Dataset, filters: Filters, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for (``name``, ``filters``) of this data version, kept in a small LRU on the dataset.

    For what depends only on the data and the filters (the timeline, the headline
    figures): a rerun with the same filters, e.g. after a map move or by another
    session, reuses it. Results are shared between sessions: treat them as read-only.
    """
    key = (name, repr(filters))
    with dataset._lock:
        if key in dataset._derived:
            dataset._derived.move_to_end(key)
            return dataset._derived[key]
    value = compute()
    with dataset._lock:
        dataset._derived[key] = value
        while len(dataset._derived) > _DERIVED:
            dataset._derived.popitem(last=False)
    return value


def timeline(dataset: Dataset, filters: Filters, shown: pd.DataFrame):
    """The timeline chart of the incidents passing ``filters`` (:func:`ui.timeline.prepare`), cached per filter."""
    from ui import timeline as tl

    def compute():
        pts = dataset.points
        if shown.empty or pts is None or pts.day is None:
            return tl.prepare(shown, dataset.colours)
        pos = positions(dataset, filters)
        days, groups = pts.day[pos], pts.group[pos]
        known = days != _NO_DAY
        if not known.all():
            days, groups = days[known], groups[known]
        if len(days) == 0:
            return tl.prepare(shown, dataset.colours)
        counted = tl.fast_counts(days, groups, [label for label, _ in pts.groups])
        return tl.prepare(shown, dataset.colours, counted=counted)

    return derived(dataset, filters, "timeline", compute)


def headline(dataset: Dataset, filters: Filters, shown: pd.DataFrame):
    """:func:`ui.headline.headline_numbers` of the incidents passing ``filters``, cached per filter."""
    from ui.headline import headline_numbers

    return derived(dataset, filters, "headline", lambda: headline_numbers(shown))


def incident_row(dataset: Dataset, incident_id: str) -> pd.Series | None:
    """One incident as a complete frame row (sources included), read from the store; None if gone."""
    from geo.errors import NotFound
    from geo.view.frame import to_frame

    try:
        incident = get_store().get(incident_id)
    except NotFound:
        return None
    return to_frame([incident]).iloc[0]


# --- the map layer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MapLayer:
    """What the incident layer draws for one view: its data as script-safe JSON text."""

    key: tuple  # equal keys, equal layers: ("points", "all") / ("points", region key) / ("bins", region key)
    mode: str  # "points" (one marker per incident) or "bins" (counts per grid cell)
    data_js: str
    count: int  # incidents the layer covers
    total: int  # incidents passing the filters


def map_layer(
    dataset: Dataset,
    filters: Filters,
    *,
    bounds: Mapping | None,
    zoom: int,
    center: tuple[float, float],
) -> MapLayer:
    """The incident layer for the view at ``bounds``/``zoom`` (``center`` when no bounds yet).

    Every incident passing the filters when they are few (the layer then does
    not depend on the view at all); otherwise the ones in the region around the
    view, one by one when at most :data:`~geo.view.aggregate.POINT_LIMIT`, else
    binned on a screen-pixel grid.
    """
    pos = positions(dataset, filters)
    region = None if len(pos) <= POINT_LIMIT else region_for_bounds(bounds, zoom, center)
    key = ("all",) if region is None else region.key
    return _map_layer(dataset.version, filters, key, _dataset=dataset, _pos=pos, _region=region)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Filters: repr})
def _map_layer(
    version: str, filters: Filters, key: tuple, *, _dataset: Dataset, _pos: np.ndarray, _region: Region | None
) -> MapLayer:
    return build_layer(_dataset, _pos, _region, key=key)


def build_layer(dataset: Dataset, pos: np.ndarray, region: Region | None, *, key: tuple = ("all",)) -> MapLayer:
    """:func:`map_layer` without the cache (benchmarks call it directly)."""
    pts = dataset.points
    total = len(pos)
    if region is None:
        return _points_layer(dataset, pos, ("points", "all"), total)
    if total == len(pts.x):  # nothing filtered out: no gather needed
        inside = np.flatnonzero(region.contains(pts.x, pts.y))
    else:
        inside = pos[region.contains(pts.x[pos], pts.y[pos])]
    if len(inside) <= POINT_LIMIT:
        return _points_layer(dataset, inside, ("points", *key), total)
    columns = (pts.x, pts.y, pts.lat, pts.lon, pts.group, pts.kind)
    if len(inside) < len(pts.x):  # else every incident is in the region (a first page): no copies
        columns = tuple(column[inside] for column in columns)
    bins = bin_points(*columns, region=region, n_groups=len(pts.groups), n_kinds=len(_KINDS), inside=True)
    data: dict = {"groups": [list(g) for g in pts.groups], "kinds": list(_KINDS)}
    small = bins.count <= SMALL_BIN
    singles = inside[small[bins.member]] if small.any() else inside[:0]
    if 0 < len(singles) <= MAX_SINGLES:  # a circle saying "1" is worse than the incident's marker
        data["bins"] = bins.rows(keep=~small)
        data["points"] = _features(dataset, singles)
    else:
        data["bins"] = bins.rows()
    return MapLayer(("bins", *key), "bins", script_json(data), bins.total, total)


def _features(dataset: Dataset, pos: np.ndarray) -> dict:
    """The incidents at ``pos`` as the layer's GeoJSON (popups need their sources: read them)."""
    return incident_features(popup_rows(dataset, pos), dataset.colours)


_SOURCES_KEPT = 200_000  # sources texts kept per dataset (row position -> JSON text)


def popup_rows(dataset: Dataset, pos: np.ndarray | list[int]) -> pd.DataFrame:
    """The rows at ``pos`` complete with sources, as ``Snapshot.full_frame`` gives them.

    The sources text of each row is kept on the dataset once read (up to
    :data:`_SOURCES_KEPT` rows, the first read going first), so a map layer for new filters mostly reads
    nothing from the store. Besides the query itself, reading from SQLite hands
    the GIL back and forth once per row: with other sessions' scripts running,
    each hand-back waits up to the interpreter's switch interval, and a few
    hundred rows took seconds under load.
    """
    if dataset.snapshot is None:  # a dataset built from a plain frame (tests)
        return dataset.frame.take(pos)
    from geo.view.frame import FRAME_COLUMNS
    from geo.storage.snapshot import _plain

    pos = np.asarray(pos, dtype=np.int64)
    out = _plain(dataset.frame.take(pos).reset_index(drop=True))
    out["sources"] = pd.Series(sources_text(dataset, pos), dtype=object)
    return out.loc[:, list(FRAME_COLUMNS)]


def sources_text(dataset: Dataset, pos: np.ndarray) -> list[str]:
    """The sources JSON text of the rows at ``pos`` (read from the store once, then kept)."""
    cache = dataset._sources
    keys = pos.tolist()
    with dataset._lock:
        missing = [k for k in keys if k not in cache]
    if missing:
        missing = list(dict.fromkeys(missing))
        texts = dataset.snapshot.sources_for(get_store(), np.asarray(missing, dtype=np.int64))
        with dataset._lock:
            cache.update(zip(missing, texts))
            while len(cache) > _SOURCES_KEPT:
                cache.popitem(last=False)
    with dataset._lock:
        found = [cache.get(k) for k in keys]
    if any(text is None for text in found):  # evicted meanwhile (a huge layer): read those again
        again = [k for k, text in zip(keys, found) if text is None]
        texts = dict(zip(again, dataset.snapshot.sources_for(get_store(), np.asarray(again, dtype=np.int64))))
        found = [texts[k] if text is None else text for k, text in zip(keys, found)]
    return found


def _points_layer(dataset: Dataset, pos: np.ndarray, key: tuple, total: int) -> MapLayer:
    return MapLayer(key, "points", script_json(_features(dataset, pos)), len(pos), total)
