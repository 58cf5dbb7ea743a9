"""Testing: helpers for tests, benchmarks and demos, never used by the app itself.

:mod:`.pgscratch` gives a throw-away PostgreSQL schema, :mod:`.devserver` runs the app on a free port,
:mod:`.synth` generates realistic synthetic incidents (also ``python -m geo synth``).
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "scratch_schema": "pgscratch",
    "serve_app": "devserver",
    "synth_frame": "synth",
    "synth_incidents": "synth",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
