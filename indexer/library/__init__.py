"""The `Library` facade over a library folder (facade.py) and the upkeep of its search index (upkeep.py)."""

from .facade import Library

__all__ = ["Library"]
