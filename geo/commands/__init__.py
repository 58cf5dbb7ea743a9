"""Sub-commands of ``python -m geo``; each module defines ``register(subparsers)``."""
