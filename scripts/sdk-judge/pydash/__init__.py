"""A stand-in for pydash, which Debian does not package, with only what azure-ai-ml 1.4.0 calls.

azure-ai-ml uses pydash.get (dotted paths over dicts and objects), pydash.omit (hash of a component
interface) and pydash.objects.set_ (the CLI's --set overrides). Only sdk-rest-bodies.py puts this folder on
sys.path; nothing in the product imports it.
"""

from . import objects
from .objects import get, omit, set_

__all__ = ["get", "omit", "set_", "objects"]
