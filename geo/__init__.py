"""Incident Atlas library: gazetteer, incidents, storage, extraction, export.

Nothing in this package imports Streamlit; the UI lives in ``app.py``, ``pages/``
and ``ui/``. Import submodules directly (``from geo.places.gazetteer import Gazetteer``)
so that the command line stays fast and only pays for what it uses.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
