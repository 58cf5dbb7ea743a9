"""Place names on the offline map (ui.placelabels)."""

from __future__ import annotations

from geo.places.gazetteer import Site
from ui.placelabels import NATURAL_EARTH_CREDIT, PlaceLabels, label_rows, place_labels


def site(id_: str, name: str, kind: str, lat: float, lon: float) -> Site:
    return Site(id=id_, name=name, aliases=(), kind=kind, country="IQ", admin1="", lat=lat, lon=lon, precision_m=1000)


def test_places_are_labelled_biggest_first_areas_left_out_and_names_escaped():
    sites = [
        site("anbar", "Anbar", "province", 33.0, 42.0),
        site("asad", "Ain al-Asad <Air> Base", "air_base", 33.79, 42.44),
        site("hit", "Hit", "town", 33.64, 42.83),
        site("bgd", "Baghdad", "city", 33.31, 44.36),
    ]
    geonames = [
        ("Baghdad", 33.3406, 44.4009, 7_216_000), ("Ramadi", 33.42, 43.30, 274_539), ("Kubaysah", 33.59, 42.60, 4_000),
    ]  # fmt: skip
    rows = label_rows(sites, geonames)
    assert [r[2] for r in rows] == ["Baghdad", "Ramadi", "Ain al-Asad &lt;Air&gt; Base", "Hit", "Kubaysah"]
    # The GeoNames Baghdad ~5 km from the gazetteer's is the same place: labelled once.
    assert [r[2] for r in rows].count("Baghdad") == 1
    asad = next(r for r in rows if r[2].startswith("Ain"))
    assert asad[:2] == [33.79, 42.44] and asad[4] == 1  # drawn as a site (italic), not a town


def test_the_layer_credits_natural_earth_and_holds_the_curated_places():
    layer = place_labels()
    assert isinstance(layer, PlaceLabels) and layer.count > 50
    assert "Ain al-Asad Air Base" in layer.rows_js and "Green Village" in layer.rows_js
    assert "</" not in layer.rows_js  # safe inside the map's script element
    assert "Natural Earth" in NATURAL_EARTH_CREDIT and "Natural Earth" in layer.credit_js
    assert len(layer.rows_js) < 10_000  # a few KB in the base map
