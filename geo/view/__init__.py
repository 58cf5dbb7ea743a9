"""View: what the dashboard shows of the stored incidents.

:mod:`.frame` is the incident table (a pandas frame with a fixed contract), :mod:`.filters` selects from it,
:mod:`.viewstate` is the full view a link holds (filters, map centre, zoom, selection) and its URL parameters,
:mod:`.aggregate` bins many points into map markers, :mod:`.timespan` computes the date windows of the
time controls (coverage, a dragged span snapped to whole bars, stepping, the nearest incidents).
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "FRAME_COLUMNS": "frame",
    "empty_frame": "frame",
    "normalise_frame": "frame",
    "to_frame": "frame",
    "Filters": "filters",
    "apply_filters": "filters",
    "ViewState": "viewstate",
    "parse_params": "viewstate",
    "Region": "aggregate",
    "bin_points": "aggregate",
    "Window": "timespan",
    "coverage": "timespan",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
