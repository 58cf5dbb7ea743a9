"""The offline base map: country borders from Natural Earth (1:110m), no tiles needed.

pyogrio ships Natural Earth's low-resolution countries as a test fixture; we
read it once per process (from its copy in the cache folder:
:func:`geo.places.countries.natural_earth_countries`, so a cold start imports
neither pyogrio nor geopandas), clip it to the region the incidents are in,
simplify it and round coordinates, which brings it to a few tens of kilobytes
of GeoJSON: small enough to embed in every map, readable without any network.
"""

from __future__ import annotations

from functools import lru_cache

import orjson

from geo.places.countries import NATURAL_EARTH, natural_earth_countries

__all__ = ["LABELS", "NATURAL_EARTH", "REGION_BBOX", "borders_geojson"]

# (min_lon, min_lat, max_lon, max_lat): the Levant, Mesopotamia and the Gulf, with margin.
REGION_BBOX = (22.0, 10.0, 66.0, 46.0)

# Country names drawn on the map (ISO alpha-3 -> label position lat, lon), chosen
# by hand: centroids of Natural Earth's shapes fall in awkward places (Syria's
# lands in the desert south of Palmyra, which is fine, Turkey's far west).
LABELS = {
    "IRQ": (33.0, 43.7),
    "SYR": (35.0, 38.5),
    "JOR": (31.0, 36.8),
    "TUR": (38.6, 37.5),
    "IRN": (33.0, 53.0),
    "SAU": (25.0, 44.5),
    "LBN": (33.95, 35.85),
    "ISR": (30.9, 34.85),
    "KWT": (29.3, 47.6),
    "EGY": (27.0, 29.5),
}


@lru_cache(maxsize=4)
def borders_geojson(bbox: tuple[float, float, float, float] = REGION_BBOX, tolerance: float = 0.02) -> str:
    """Countries clipped to ``bbox`` as compact GeoJSON text (properties: ``name``, ``iso``)."""
    import numpy as np
    import shapely

    names, iso3s, wkbs = natural_earth_countries()
    # Natural Earth marks a few disputed codes as -99; the name still identifies them.
    clipped = shapely.clip_by_rect(shapely.from_wkb(wkbs), *bbox)  # what lies outside comes back empty
    kept = np.flatnonzero(~shapely.is_empty(clipped))
    shapes = shapely.set_precision(shapely.simplify(clipped[kept], tolerance, preserve_topology=True), 0.001)
    features = []
    for name, iso, geom in zip([names[i] for i in kept], [iso3s[i] for i in kept], shapes):
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "iso": iso},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    return orjson.dumps({"type": "FeatureCollection", "features": features}).decode()
