"""Every country (``geo.places.countries``): codes and names from pycountry, borders from Natural Earth."""

from __future__ import annotations

import pytest

from geo.places import countries
from geo.places.countries import find_country, is_country_code, point_problem


@pytest.mark.parametrize(
    "key, iso2",
    [
        ("Mexico", "MX"), ("Ukraine", "UA"), ("India", "IN"), ("Democratic Republic of Congo", "CD"),
        ("Ivory Coast", "CI"), ("Russia", "RU"), ("Turkey", "TR"), ("Türkiye", "TR"), ("Syria", "SY"),
        ("Palestine", "PS"), ("Curacao", "CW"), ("Kosovo", "XK"), ("XKX", "XK"), ("484", "MX"), ("076", "BR"),
        ("IRQ", "IQ"), ("iq", "IQ"), ("Bolivia", "BO"), ("Iran", "IR"), ("eSwatini", "SZ"), ("Romania", "RO"),
    ],
)  # fmt: skip
def test_find_country_knows_every_country_by_name_or_code(key, iso2):
    assert find_country(key).iso2 == iso2


@pytest.mark.parametrize("key", ["Narnia", "XX", "", None, "999", "²"])
def test_find_country_refuses_what_is_no_country(key):
    assert find_country(key) is None


def test_is_country_code():
    assert is_country_code("MX") and is_country_code("XK") and not is_country_code("XX")
    assert not is_country_code("mx")  # the model stores upper case


@pytest.mark.parametrize(
    "lat, lon, iso2",
    [
        (19.43, -99.13, "MX"), (50.45, 30.52, "UA"), (28.61, 77.21, "IN"), (33.26, 44.23, "IQ"),
        (12.65, 54.02, "YE"),  # Hadibu on Socotra: an island the 1:110m map leaves out
        (26.22, 50.58, "BH"),  # Manama: a country the 1:110m map does not draw
        (29.37, 47.98, "KW"),  # Kuwait City, on the coast
    ],
)  # fmt: skip
def test_real_places_are_inside_their_country(lat, lon, iso2):
    assert point_problem(lat, lon, iso2) is None


@pytest.mark.parametrize(
    "lat, lon, iso2, says",
    [
        (48.85, 2.35, "IQ", "outside Iraq"),  # Paris
        (44.23, 33.26, "IQ", "swapped"),
        (-99.13, 19.43, "MX", "out of range"),
        (40.71, -74.0, "MX", "outside Mexico"),  # New York
        (19.8, 45.5, "YE", "outside Yemen"),  # in Saudi Arabia, inside the box around Yemen
    ],
)
def test_points_in_another_country_are_refused(lat, lon, iso2, says):
    assert says in point_problem(lat, lon, iso2)


def test_natural_earth_is_read_once_then_from_the_cache_folder(tmp_path, monkeypatch):
    import pyogrio

    read = countries.natural_earth_countries(tmp_path)
    names, iso3s, wkbs = read
    assert len(names) == len(iso3s) == len(wkbs) > 150 and "Iraq" in names and "SYR" in iso3s
    (cached,) = tmp_path.glob("naturalearth-*.arrow")

    def no_shapefile(*args, **kwargs):
        raise AssertionError("read from the shapefile again")

    monkeypatch.setattr(pyogrio.raw, "read", no_shapefile)
    assert countries.natural_earth_countries(tmp_path) == read  # the same rows, from the cache file
    cached.write_bytes(b"not arrow")  # a damaged copy is read again from the shapefile, not trusted
    monkeypatch.undo()
    assert countries.natural_earth_countries(tmp_path) == read



def test_the_cache_folder_is_found_even_when_another_setting_is_broken(tmp_path, monkeypatch):
    # A bad tile URL is the tiles' problem: the borders and point checks still read their cache.
    monkeypatch.setenv("GEO_TILES", "https://tiles.example/no-placeholders.png")
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    names, _iso3s, _wkbs = countries.natural_earth_countries()
    assert "Iraq" in names and list(tmp_path.glob("naturalearth-*.arrow"))
