"""Incident Atlas library: from a news report to a mapped, exported incident.

The sub-packages follow the data flow (see README, Development):

* :mod:`geo.reports` - a pasted report -> clean text -> dates, extraction -> merge into incidents;
* :mod:`geo.places` - the gazetteer that puts a named site on the map, and its layers;
* :mod:`geo.storage` - the incident store, its in-memory snapshot, backups and migrations;
* :mod:`geo.view` - filters, the view state a link holds, map binning, the incident frame;
* :mod:`geo.formats` - files in and out (our CSV, ACLED, GeoJSON, exports);
* :mod:`geo.commands` - one module per ``python -m geo`` command;
* :mod:`geo.testing` - a scratch PostgreSQL schema, a dev server and synthetic incidents.

The model (:mod:`geo.incidents`), configuration, errors and sign-in sit at the top. Nothing in this package
imports Streamlit; the UI lives in ``app.py``, ``pages/`` and ``ui/``. Import modules directly
(``from geo.places.gazetteer import Gazetteer``) or through a sub-package's public API
(``from geo.places import Gazetteer``): sub-packages import their modules only on first use, so the command
line stays fast and only pays for what it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

__version__ = "0.1.0"
__all__ = ["__version__", "lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose public ``exports`` (name -> module) load on first use.

    A sub-package ``__init__`` that imported its modules eagerly would load all of them (and pandas,
    SQLAlchemy, rapidfuzz ...) whenever any one of them is imported (PEP 562).
    """

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
