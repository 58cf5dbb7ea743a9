"""Formats: incident files in and out.

Reading: :mod:`.readfile` reads an upload or a path as text (size, encoding, binary refused), :mod:`.csvio`
our CSV format, :mod:`.acled` an ACLED export, :mod:`.geojson_in` GeoJSON points, :mod:`.importers` tells the
format and plans an import against the store, :mod:`.batch` converts all rows or none. Writing:
:mod:`.export` (RFC 7946 GeoJSON, GeoJSON Lines, our CSV and GeoPackage, streamed chunk by chunk),
:mod:`.export_arrow` (the same text from Arrow batches: PostgreSQL's export);
:mod:`.replacing` publishes any written file whole or not at all.
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "read_text": "readfile",
    "read_incidents_csv": "csvio",
    "write_incidents_csv": "csvio",
    "parse_acled": "acled",
    "read_acled": "acled",
    "to_acled_frame": "acled",
    "parse_geojson": "geojson_in",
    "read_geojson": "geojson_in",
    "ImportPlan": "importers",
    "plan_import": "importers",
    "read_any": "importers",
    "convert_all": "batch",
    "to_csv": "export",
    "to_geojson": "export",
    "write_export": "export",
    "write_gpkg": "export",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
