"""Commands: one module per ``python -m geo`` sub-command, each defining ``register(subparsers)``.

:mod:`geo.cli` discovers them; a command imports what it needs inside its ``run`` function, so start-up stays
fast. Nothing here is meant to be imported by other packages.
"""

__all__: list[str] = []
