"""get, omit and set_ with pydash's meaning for dotted string paths (no bracket or escaped-dot syntax)."""

_MISSING = object()


def _keys(path):
    if isinstance(path, (list, tuple)):
        return list(path)
    return str(path).split(".") if path != "" else []


def _child(obj, key):
    if isinstance(obj, dict):
        return obj.get(key, _MISSING)
    if isinstance(obj, (list, tuple)):
        try:
            return obj[int(key)]
        except (ValueError, IndexError):
            return _MISSING
    return getattr(obj, str(key), _MISSING)


def get(obj, path, default=None):
    """The value at a dotted path through dicts, lists and attributes, or default."""
    current = obj
    for key in _keys(path):
        if current is None:
            return default
        current = _child(current, key)
        if current is _MISSING:
            return default
    return current


def omit(obj, *paths):
    """A shallow copy of a dict without the given top-level keys (a list of keys or several arguments)."""
    keys = set()
    for path in paths:
        keys.update(path if isinstance(path, (list, tuple, set)) else [path])
    return {key: value for key, value in dict(obj).items() if key not in keys}


def set_(obj, path, value):
    """Sets the value at a dotted path, creating dicts on the way; returns obj."""
    keys = _keys(path)
    current = obj
    for key in keys[:-1]:
        nxt = current.get(key) if isinstance(current, dict) else getattr(current, key, None)
        if nxt is None:
            nxt = {}
            if isinstance(current, dict):
                current[key] = nxt
            else:
                setattr(current, key, nxt)
        current = nxt
    if isinstance(current, dict):
        current[keys[-1]] = value
    else:
        setattr(current, keys[-1], value)
    return obj
