"""Streamlit user interface of Incident Atlas: one concern per module.

=============  ==============================================================
``page``       the start every filtered page shares; sidebar share + downloads
``state``      the view in the URL: read a link into the widgets, write it back
``sidebar``    the filter widgets
``data``       store, frame and per-filter map data, cached on the store version
``mapview``    the ``st_folium`` call and what comes back (view, clicks)
``maplayers``  folium building blocks: base map, incident layer, legend, points
``incident_layer.js``  the browser side of the incident layer (popups, escaping)
``symbols``    colour by actor, shape by event type
``borders``    the offline Natural Earth base layer
``assets``     Leaflet and its cluster plugin served locally (no CDN)
``headline``   incident / munitions / casualty numbers ("+N unknown")
``timeline``   incidents per day / week / month chart
``details``    the selected incident's panel and permalink
``table``      the Incidents table with links to the map
``sites``      the Gazetteer page's parts
``common``     page setup, notices, escaping, links
``boundary``   every page runs inside it: errors are logged, viewers get a message
=============  ==============================================================

Streamlit code lives only here, in ``app.py`` and in ``pages/``.
"""

__all__ = [
    "assets",
    "borders",
    "boundary",
    "common",
    "data",
    "details",
    "headline",
    "maplayers",
    "mapview",
    "page",
    "sidebar",
    "sites",
    "state",
    "symbols",
    "table",
    "timeline",
]
