"""Filters run in SQL: the same incidents, in the same order, as the dashboard's snapshot shows."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import threading

import numpy as np
import pytest

from geo.errors import InputError, StoreError
from geo.storage import query, snapshot
from geo.storage.bulkload import bulk_insert
from geo.view.filters import Filters
from geo.formats.export import write_export
from geo.storage.query import count, iter_chunks, iter_encoded
from geo.testing.synth import synth_frame

D = dt.date
N = 3_000


@pytest.fixture
def filled(store):
    """The store with N synthetic incidents (every date precision, actor, type, country...)."""
    bulk_insert(store, synth_frame(N, seed=3))
    return store


def exported_ids(store, filters, rows=700) -> list[str]:
    return [i for chunk in iter_chunks(store, filters, rows=rows) for i in chunk.columns["id"]]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=D(2021, 3, 10)),  # week and month incidents overlapping the start pass
        Filters(date_to=D(2020, 6, 30)),
        Filters(date_from=D(2020, 2, 29), date_to=D(2020, 3, 2)),
        Filters(event_types=("drone", "rocket"), countries=("SY",)),
        Filters(attributions=("claimed",), intercepted=True),
        Filters(intercepted=False, date_from=D(2022, 1, 1)),
        Filters(text="ain al"),
        Filters(text="REUTERS"),  # a source's outlet, in any case
        Filters(text="100%_"),  # LIKE's wildcards are literal text
        Filters(families=("iran_aligned",)),
        Filters(families=("us", "isis"), countries=("IQ",)),
    ],
    ids=repr,
)
def test_sql_filters_pass_what_the_snapshot_shows_in_its_order(filled, filters):
    snap = snapshot.build(filled)
    want = snap.frame["id"].astype(object)[snap.mask(filters)].tolist()
    assert exported_ids(filled, filters) == want
    assert count(filled, filters) == len(want)


def test_actor_filter_and_deleted_rows(filled):
    snap = snapshot.build(filled)
    actor = snap.frame["actor"].astype(object).iloc[0]
    first = snap.frame["id"].astype(object).iloc[0]
    filled.soft_delete(first, user="test")
    ids = exported_ids(filled, Filters(actors=(actor,)))
    assert ids and first not in ids
    assert set(snap.frame.loc[snap.frame["actor"] == actor, "id"].astype(object)) - {first} == set(ids)


def test_chunks_hold_json_typed_values(filled):
    chunk = next(iter_chunks(filled, Filters(), rows=50))
    cols = chunk.columns
    assert len(chunk) == 50
    assert all(isinstance(d, str) and len(d) == 10 for d in cols["date"])
    assert all(isinstance(v, bool) for v in cols["intercepted"])
    assert all(isinstance(v, float) for v in cols["lat"])
    assert all(isinstance(s, str) and s.startswith("[") for s in cols["sources"])


# --- features written by the database -----------------------------------------------------------

TRICKY_TEXT = 'quote " backslash \\ tab \t newline \n cr \r bell \x07 100% É Ḥamdāniyah 🚀 \u2028 </script>'


@pytest.fixture
def tricky(store):
    """Synthetic incidents with what a feature's text must survive: escapes, every JSON type, full-precision floats."""
    frame = synth_frame(300, seed=11)
    rng = np.random.default_rng(4)
    frame["lat"] = frame["lat"] + rng.random(len(frame)) * 1e-3  # 15-17 significant digits
    frame["lon"] = frame["lon"] - rng.random(len(frame)) * 1e-3
    frame.loc[0, ["lat", "lon"]] = [33.0, 44.0]  # whole numbers stay JSON floats
    frame.loc[1, ["lat", "lon"]] = [33.1234565, -0.0000004]  # rounding ties and a tiny negative
    frame.loc[2, ["summary", "target", "actor"]] = [TRICKY_TEXT, "", "Unknown"]
    frame.loc[3, ["site_id", "munitions", "killed", "injured"]] = [None, None, 0, None]
    # What a spreadsheet would run as a formula, and what CSV must quote.
    frame.loc[4, ["summary", "target", "damage", "location", "admin1"]] = [
        '=HYPERLINK("http://x")', "+44 1", "-", '@home, "quoted"', "\ttabbed"
    ]
    frame.loc[5, ["summary", "target"]] = ["two\nlines, one comma", "\rstarts with a CR"]
    bulk_insert(store, frame)
    return store


def python_features(store, filters) -> list[dict]:
    out = io.BytesIO()
    write_export(iter_chunks(store, filters, rows=128), "geojson", out)
    return json.loads(out.getvalue())["features"]


def database_features(store, filters, fmt="geojson") -> list[dict]:
    out = io.BytesIO()
    n = write_export(iter_encoded(store, filters, fmt=fmt, rows=128), fmt, out)
    data = out.getvalue()
    if fmt == "geojsonl":
        return [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]
    features = json.loads(data)["features"]
    assert n == len(features)
    return features


@pytest.mark.parametrize("filters", [Filters(), Filters(date_from=D(2021, 1, 1)), Filters(text="ḥamd")], ids=repr)
def test_features_the_database_writes_equal_the_ones_python_writes(tricky, filters):
    want = python_features(tricky, filters)
    got = database_features(tricky, filters)
    assert got and got == want  # the same members, order, values and JSON types (floats exactly)
    assert [list(f["properties"]) for f in got] == [list(f["properties"]) for f in want]
    for f in got:
        assert all(isinstance(v, float) for v in (*f["geometry"]["coordinates"], f["properties"]["lat"]))


def test_csv_the_database_writes_is_the_csv_python_writes(tricky):
    """Byte for byte: formula guards, quoting (a CR quotes its whole line), NULLs, floats as Python writes them."""
    want, got = io.BytesIO(), io.BytesIO()
    write_export(iter_chunks(tricky, Filters(), rows=128), "csv", want)
    n = write_export(iter_encoded(tricky, Filters(), fmt="csv", rows=128), "csv", got)
    assert n == 300 and got.getvalue() == want.getvalue()
    assert b"\"'=HYPERLINK(\"\"http://x\"\")\"" in got.getvalue() and b"-4e-07" in got.getvalue()


def test_feature_lines_are_the_same_features(tricky):
    assert database_features(tricky, Filters(), "geojsonl") == python_features(tricky, Filters())


def test_feature_text_keeps_text_exactly_and_coordinates_to_six_decimals(tricky):
    by_id = {f["properties"]["id"]: f for f in database_features(tricky, Filters())}
    frame = synth_frame(300, seed=11)
    tricky_one = by_id[frame.loc[2, "id"]]["properties"]
    assert tricky_one["summary"] == TRICKY_TEXT and tricky_one["target"] == ""
    assert by_id[frame.loc[0, "id"]]["geometry"]["coordinates"] == [44.0, 33.0]
    assert by_id[frame.loc[3, "id"]]["properties"]["site_id"] is None
    assert by_id[frame.loc[3, "id"]]["properties"]["killed"] == 0
    for f in by_id.values():
        for value in f["geometry"]["coordinates"]:
            assert round(value, 6) == value


def float_values() -> list[float]:
    """Floats of every kind a store may hold: short decimals (most coordinates), full precision, edges."""
    rng = np.random.default_rng(8)
    values = [0.0, -0.0, 33.0, -44.0, 1e-4, -1e-4, 9.9e-5, 1e-5, 123456.5, 999999999.999999, 1e9, 1e9 + 0.5, 1e15, 3e17]
    for decimals in range(7):  # a number with at most 6 decimals, as the double nearest it
        k = rng.integers(-(10**9), 10**9, 2_000) * rng.choice([1, 10, 1000, 10**6], 2_000)
        values += [float(v) / 10**decimals for v in k]
    values += [float(v) for v in rng.uniform(-180, 180, 2_000)]  # 15-17 significant digits
    values += [float(v) for v in rng.uniform(-1, 1, 500) * 1e-3]
    values += [float(v) / 1e6 + 1e-13 for v in rng.integers(0, 10**8, 500)]  # a hair off 6 decimals
    return values


def test_sqlite_writes_every_float_as_python_does_and_its_short_path_rounds_to_itself():
    """The properties' text of a float is ``repr``'s; where the 6-decimal shortcut applies, rounding changes nothing."""
    from geo.storage.store import _float_text

    con = sqlite3.connect(":memory:")
    con.create_function("geo_float_text", 1, _float_text, deterministic=True)
    con.execute("CREATE TABLE t (x REAL)")
    values = float_values()
    con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
    shortcut = query._sqlite_decimals("x")
    rows = con.execute(
        f"SELECT x, {query._sqlite_float('x')}, {shortcut}, printf('%!.15g', x), printf('%!.15g', round(x, 6)) FROM t"
    ).fetchall()
    assert [text for _x, text, *_ in rows] == [repr(x) for x, *_ in rows]  # (SQLite keeps no -0.0)
    short = [(own, rounded) for _x, _text, is_short, own, rounded in rows if is_short]
    assert len(short) > len(values) // 2  # the shortcut is the common case...
    assert all(own == rounded for own, rounded in short)  # ...where the coordinate is the property's own text
    assert not any(is_short for x, _t, is_short, *_ in rows if x != round(x, 6) or abs(x) > 1e9 or abs(x) < 1e-4)


@pytest.mark.parametrize("needle", ["ḥamdāniyah", "ḤAMDĀNIYAH", "é", "🚀"])
def test_text_filter_folds_case_beyond_ascii(tricky, needle):
    """SQLite's lower() folds ASCII only; the filter matches as PostgreSQL and the dashboard's snapshot do."""
    snap = snapshot.build(tricky)
    want = snap.frame["id"].astype(object)[snap.mask(Filters(text=needle))].tolist()
    assert want  # the tricky summary holds "É Ḥamdāniyah 🚀"
    assert exported_ids(tricky, Filters(text=needle)) == want
    assert count(tricky, Filters(text=needle)) == len(want)


# --- SQLite: the export read in pieces by parallel connections -----------------------------------


@pytest.fixture
def crowded(tmp_path):
    """A SQLite store whose incidents crowd onto few dates: pieces must cut between incidents of one day."""
    from geo.storage.store import Store

    frame = synth_frame(400, seed=12)
    frame.loc[:149, "date"] = frame.loc[0, "date"]  # 150 incidents on one day
    frame.loc[150:199, "date"] = frame.loc[150, "date"]
    frame.loc[5, "summary"] = TRICKY_TEXT
    s = Store(f"sqlite:///{tmp_path / 'crowded.sqlite'}")
    s.migrate()
    bulk_insert(s, frame)
    yield s
    s.dispose()


def feature_bytes(store, filters, fmt="geojson", **kw) -> tuple[int, bytes]:
    out = io.BytesIO()
    n = write_export(iter_encoded(store, filters, fmt=fmt, **kw), fmt, out)
    return n, out.getvalue()


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(date_from=D(2021, 3, 10)), Filters(event_types=("drone",)), Filters(text="ḥamd")], ids=repr
)
@pytest.mark.parametrize("fmt", ["geojson", "geojsonl", "csv"])
def test_pieces_read_in_parallel_make_the_bytes_of_one_connection(crowded, filters, fmt):
    one = feature_bytes(crowded, filters, fmt, rows=10_000, workers=1)  # a single piece
    assert one[0] > 0
    for rows, workers in [(7, 1), (7, 2), (13, 3), (1, 2)]:
        assert feature_bytes(crowded, filters, fmt, rows=rows, workers=workers) == one, (rows, workers)
    if fmt == "geojson":
        ids = [f["properties"]["id"] for f in json.loads(one[1])["features"]]
        assert ids == exported_ids(crowded, filters)  # the snapshot's order: date, then rowid


def test_a_piece_over_sqlites_length_limit_is_joined_in_python(crowded):
    import sqlalchemy as sa

    want = feature_bytes(crowded, Filters(), rows=50, workers=2)

    @sa.event.listens_for(crowded._engine, "connect")
    def small_limit(dbapi_conn, _record):
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 20_000)  # a feature fits, fifty do not

    crowded._engine.dispose()  # new connections, with the limit
    assert feature_bytes(crowded, Filters(), rows=50, workers=2) == want


def test_a_write_between_the_connections_starts_the_export_again(crowded, monkeypatch):
    """Every piece comes from the same version of the store, even when a write lands as the threads start."""
    first = exported_ids(crowded, Filters())[0]
    work = query._PieceReaders._work
    reported, written = threading.Event(), threading.Event()

    def work_with_a_write(self, *args):
        k = args[-1]
        if k == 0 and not written.is_set():
            put = self._versions.put
            self._versions.put = lambda item: (put(item), reported.set())
        elif k == 1 and not written.is_set():
            if reported.wait(timeout=30):  # thread 0 holds its version: now a write lands
                crowded.soft_delete(first, user="test")
                written.set()
        work(self, *args)

    monkeypatch.setattr(query._PieceReaders, "_work", work_with_a_write)
    n, data = feature_bytes(crowded, Filters(), rows=20, workers=2)
    assert written.is_set()
    ids = [f["properties"]["id"] for f in json.loads(data)["features"]]
    assert n == len(ids) == 399 and first not in ids
    monkeypatch.undo()
    assert (n, data) == feature_bytes(crowded, Filters(), rows=1_000, workers=1)


def test_versions_that_never_agree_fall_back_to_one_connection(crowded, monkeypatch):
    want = feature_bytes(crowded, Filters(), rows=1_000, workers=1)
    attempts = []
    monkeypatch.setattr(query._PieceReaders, "same_version", lambda self: attempts.append(1) or False)
    assert feature_bytes(crowded, Filters(), rows=30, workers=2) == want
    assert len(attempts) == query._ATTEMPTS


def test_a_failing_piece_fails_the_export_and_stops_every_thread(crowded, monkeypatch):
    read_piece = query._read_piece
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 4:
            raise sqlite3.OperationalError("disk I/O error")
        return read_piece(*args)

    monkeypatch.setattr(query, "_read_piece", failing)
    with pytest.raises(StoreError, match="disk I/O error"):
        feature_bytes(crowded, Filters(), rows=20, workers=2)
    assert not [t for t in threading.enumerate() if t.name.startswith("geo-export-")]


@pytest.mark.parametrize("json_floats", [True, False], ids=["floats in the object", "floats by printf"])
def test_both_short_ways_of_sqlite_write_the_features_python_writes(tricky, monkeypatch, json_floats):
    """Whether or not this SQLite's JSON functions write floats as printf does, the usual incident's text is exact."""
    monkeypatch.setattr(query, "_sqlite_json_floats", lambda: json_floats)
    assert database_features(tricky, Filters()) == python_features(tricky, Filters())
    assert database_features(tricky, Filters(), "geojsonl") == python_features(tricky, Filters())


def test_this_sqlite_writes_floats_in_json_as_printf_does():
    """The probe's answer holds for every kind of float, not only the few it asks about."""
    if not query._sqlite_json_floats():
        pytest.skip(f"SQLite {sqlite3.sqlite_version} writes floats in JSON its own way: the printf way is used")
    con = sqlite3.connect(":memory:")
    for v in float_values():
        assert con.execute("SELECT json_quote(?) = printf('%!.15g', ?)", (v, v)).fetchone()[0], v


# --- PostgreSQL: rows as Arrow batches, written by geo.formats.export_arrow ------------------------


def is_postgres(store) -> bool:
    return store._engine.dialect.name == "postgresql"


@pytest.mark.parametrize("fmt", ["geojson", "geojsonl", "csv"])
def test_postgresql_writes_the_bytes_python_writes(tricky, fmt):
    """Not only the same values: the same bytes (escapes, float style, quoting), batch by batch."""
    if not is_postgres(tricky):
        pytest.skip("SQLite writes odd floats its own way (the same values: see above)")
    want, got = io.BytesIO(), io.BytesIO()
    write_export(iter_chunks(tricky, Filters(), rows=128), fmt, want)
    assert write_export(iter_encoded(tricky, Filters(), fmt=fmt, rows=128), fmt, got) == 300
    assert got.getvalue() == want.getvalue()


@pytest.fixture
def quoted(store):
    """Incidents whose text holds what a SQL literal must escape: quotes, backslashes, LIKE wildcards."""
    frame = synth_frame(60, seed=6)
    frame.loc[[3, 17, 40], "summary"] = ["it's here", "back\\slash 100%_ done", "O'Brien's \\ 100%"]
    bulk_insert(store, frame)
    return store


@pytest.mark.parametrize("text", ["it's", "\\slash", "100%_", "o'brien's \\", "'; drop table incidents; --"])
def test_the_encoded_export_takes_text_filters_with_quotes_and_backslashes(quoted, text):
    """PostgreSQL's export sends its filters as literals in the SQL (COPY takes no parameters)."""
    want = [i for chunk in iter_chunks(quoted, Filters(text=text)) for i in chunk.columns["id"]]
    lines = b"".join(bytes(e.data) + b"\n" for e in iter_encoded(quoted, Filters(text=text), fmt="geojsonl"))
    assert [json.loads(line)["properties"]["id"] for line in lines.splitlines()] == want
    assert len(want) == {"it's": 1, "\\slash": 1, "100%_": 1, "o'brien's \\": 1, "'; drop table incidents; --": 0}[text]
    assert count(quoted, Filters()) == 60  # nothing was dropped


@pytest.mark.parametrize("filters", [Filters(text="a\x00b"), Filters(actors=("Iran\x00",))], ids=["text", "actor"])
def test_a_nul_in_a_filter_is_an_input_error_on_every_store(quoted, filters):
    """PostgreSQL's reader failed with "unterminated quoted string" (the NUL ended the literal in the
    SQL it sends); SQLite matched nothing. Either way a clear refusal, before any SQL runs."""
    for read in (lambda: count(quoted, filters), lambda: list(iter_chunks(quoted, filters)),
                 lambda: list(iter_encoded(quoted, filters, fmt="csv"))):  # fmt: skip
        with pytest.raises(InputError, match="NUL character"):
            read()
    assert count(quoted, Filters()) == 60


def test_an_export_stopped_early_lets_go_of_its_reader(quoted):
    chunks = iter_encoded(quoted, Filters(), fmt="geojson", rows=7)
    assert len(next(chunks)) == 7
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("geo-export-")]
    assert count(quoted, Filters()) == 60  # the store still answers


def test_read_ahead_raises_what_its_iterator_raised_and_stops_its_thread():
    def failing():
        yield 1
        yield 2
        raise OSError("stream broke")

    got = []
    with pytest.raises(OSError, match="stream broke"):
        for item in query._read_ahead(failing(), ahead=1):
            got.append(item)
    assert got == [1, 2]
    assert not [t for t in threading.enumerate() if t.name == "geo-export-read"]


def test_a_failing_postgresql_read_is_a_store_error(quoted, monkeypatch):
    if not is_postgres(quoted):
        pytest.skip("PostgreSQL's reader")
    monkeypatch.setattr(query, "_pg_sql", lambda _query: "SELECT no_such_column FROM incidents")
    with pytest.raises(StoreError, match="reading the incidents failed.*no_such_column"):
        next(iter_encoded(quoted, Filters()))
    assert not [t for t in threading.enumerate() if t.name == "geo-export-read"]
