"""Synthetic incidents: deterministic, in the frame contract, realistic ranges and mixes."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from geo.places.countries import find_country
from geo.view.frame import FRAME_COLUMNS, to_frame
from geo.incidents import ATTRIBUTIONS, DATE_PRECISIONS, EVENT_TYPES, STATUSES
from geo.testing.synth import (
    BUILTIN_SITES,
    DATE_END,
    DATE_START,
    load_sites,
    synth_frame,
    synth_incidents,
    write_frame_csv,
)

from tests.geo.conftest import SMALL_CSV

N = 20_000


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synth_frame(N, seed=42, sites=BUILTIN_SITES)


def test_same_seed_same_frame_other_seed_other_frame(frame):
    pd.testing.assert_frame_equal(synth_frame(N, seed=42, sites=BUILTIN_SITES), frame)
    other = synth_frame(N, seed=43, sites=BUILTIN_SITES)
    assert not other["lat"].equals(frame["lat"])
    assert other["id"].iloc[0] == "syn-43-0000000"


def test_frame_contract_columns_and_dtypes(frame):
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["lat"].dtype == frame["lon"].dtype == "float64"
    assert frame["geo_precision"].dtype == frame["source_count"].dtype == "int64"
    assert frame["intercepted"].dtype == bool
    for name in ("munitions", "killed", "injured"):
        assert frame[name].dtype == "Int64"
    for name in ("id", "actor", "sources", "outlets", "summary", "site_id"):
        assert frame[name].dtype == object


def test_frame_equals_the_model_objects_it_stands_for():
    # The vectorised JSON and text must be exactly what the model would write.
    n = 400
    pd.testing.assert_frame_equal(
        to_frame(synth_incidents(n, seed=3, sites=BUILTIN_SITES)), synth_frame(n, seed=3, sites=BUILTIN_SITES)
    )


def test_values_in_range(frame):
    assert frame["id"].is_unique
    assert set(frame["event_type"]) == set(EVENT_TYPES)
    assert set(frame["attribution"]) <= set(ATTRIBUTIONS)
    assert set(frame["status"]) == set(STATUSES)
    assert set(frame["date_precision"]) == set(DATE_PRECISIONS)
    assert set(frame["geo_precision"]) == {1, 2, 3, 4}
    assert frame["date"].min() >= pd.Timestamp(DATE_START) and frame["date"].max() <= pd.Timestamp(DATE_END)
    month = frame[frame["date_precision"] == "month"]
    assert (month["date"].dt.day == 1).all()
    for name in ("munitions", "killed", "injured"):
        known = frame[name].dropna()
        assert (known >= 0).all() and 0 < len(known) < N  # some known, some unknown
    assert (frame["munitions"].dropna() >= 1).all()  # an attack with a known count used at least one
    # Only things that fly can be intercepted.
    assert set(frame.loc[frame["intercepted"], "event_type"]) == {"rocket", "drone", "missile"}


def test_sources_are_1_to_5_distinct_outlets(frame):
    assert frame["source_count"].between(1, 5).all()
    for text, count, outlets, date in zip(
        frame["sources"][:500], frame["source_count"][:500], frame["outlets"][:500], frame["date"][:500]
    ):
        sources = json.loads(text)
        assert len(sources) == count
        names = [s["outlet"] for s in sources]
        assert len(set(names)) == count and ", ".join(names) == outlets
        for s in sources:
            assert s["url"].startswith("https://synthetic.invalid/")
            lag = (pd.Timestamp(s["published"]) - date).days
            assert 0 <= lag <= 2


def test_points_inside_their_country_and_near_their_site(frame):
    by_name = {s.name: s for s in BUILTIN_SITES}
    for country, rows in frame.groupby("country"):
        min_lon, min_lat, max_lon, max_lat = find_country(country).bbox
        assert rows["lat"].between(min_lat, max_lat).all() and rows["lon"].between(min_lon, max_lon).all()
    site_lat = frame["location"].map(lambda n: by_name[n].lat)
    site_lon = frame["location"].map(lambda n: by_name[n].lon)
    km = np.hypot(frame["lat"] - site_lat, (frame["lon"] - site_lon) * np.cos(np.radians(site_lat))) * 111.32
    # "At the site" is within a couple of km; looser precisions spread further.
    assert km[frame["geo_precision"] == 1].max() < 3
    assert km[frame["geo_precision"] == 2].median() > km[frame["geo_precision"] == 1].median()


def test_realistic_mixes(frame):
    actors = frame["actor"].value_counts(normalize=True)
    assert "Unknown" in actors.index[:2]
    assert {"Islamic State", "Turkish Armed Forces", "US-led coalition"} <= set(actors.index)
    # A few Iran-backed groups dominate; the name "Islamic Resistance in Iraq" only from October 2023,
    # when it claims most of the wave.
    iran_backed = ["Islamic Resistance in Iraq", "Kata'ib Hezbollah", "Harakat al-Nujaba", "Kata'ib Sayyid al-Shuhada"]
    assert actors[iran_backed].sum() > 0.3
    iri = frame["actor"] == "Islamic Resistance in Iraq"
    assert frame.loc[iri, "date"].min() >= pd.Timestamp("2023-10-17")
    wave = frame[frame["date"].between("2023-11-01", "2024-01-31")]
    assert wave["actor"].value_counts().index[0] == "Islamic Resistance in Iraq"
    assert frame["munitions"].isna().mean() > 0.3 and frame["killed"].isna().mean() > 0.5
    assert frame["munitions"].median() <= 3
    # The October 2023 - February 2024 wave is far denser than the quiet 2022.
    per_day = lambda a, b: frame["date"].between(a, b).sum() / (pd.Timestamp(b) - pd.Timestamp(a)).days
    assert per_day("2023-10-15", "2024-02-15") > 5 * per_day("2022-03-01", "2022-12-31")
    assert frame["date"].dt.year.nunique() == 8  # 2019 .. 2026


def test_sites_from_a_gazetteer_file():
    sites = load_sites(SMALL_CSV)
    assert len(sites) >= 10 and all(len(s.country) == 2 for s in sites)
    asad = next(s for s in sites if s.site_id == "ain-al-asad")
    assert (asad.lat, asad.lon, asad.country) == (33.7856, 42.4411, "IQ")
    city = next(s for s in sites if s.site_id == "baghdad")
    assert asad.weight > city.weight  # bases are attacked more often than towns
    assert "anbar-province" not in {s.site_id for s in sites}  # an area is not an attack site
    frame = synth_frame(2000, seed=1, sites=sites)
    assert set(frame["site_id"]) <= {s.site_id for s in sites}


def test_missing_gazetteer_falls_back_to_builtin_sites(tmp_path):
    assert load_sites(tmp_path / "absent.csv") == BUILTIN_SITES


def test_zero_rows_and_negative_n():
    assert len(synth_frame(0, seed=1, sites=BUILTIN_SITES)) == 0
    with pytest.raises(ValueError):
        synth_frame(-1)


def test_csv_written_from_the_frame_reads_back_as_the_same_incidents(tmp_path):
    from geo.formats.csvio import read_incidents_csv

    path = tmp_path / "synth.csv"
    write_frame_csv(synth_frame(500, seed=9, sites=BUILTIN_SITES), path)
    assert read_incidents_csv(path) == synth_incidents(500, seed=9, sites=BUILTIN_SITES)
    buffer = io.StringIO()
    write_frame_csv(synth_frame(3, seed=9, sites=BUILTIN_SITES), buffer)
    assert buffer.getvalue().splitlines()[0].startswith("id,date,date_precision,")
