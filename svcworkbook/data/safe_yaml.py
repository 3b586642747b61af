"""Reading YAML that a user wrote (mappings, ``-p`` values) without letting it exhaust memory.

YAML anchors and aliases (``&a`` ... ``*a``) let a few hundred bytes expand into gigabytes (the
"billion laughs" pattern: each level refers to the one before ten times). A mapping or a
command-line value never needs them, so they are refused outright, as is a text over
``MAX_YAML_BYTES``. ``yaml.SafeLoader`` already refuses tags that build Python objects.
"""

from __future__ import annotations

from typing import Any

import yaml

#: A mapping file or a parameter value larger than this is refused (a real one is a few KB).
MAX_YAML_BYTES = 1_000_000


class AliasRefused(yaml.YAMLError):
    """YAML that uses an anchor or alias (refused: it can expand without bound)."""

    def __init__(self, line: int):
        super().__init__(f"line {line}: YAML aliases (*name) and anchors (&name) are not allowed")
        self.line = line


class NoAliasLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses aliases and anchors before anything is expanded.

    Written by hand because PyYAML has no switch for it; the pure-Python composer is used (the C
    one cannot be extended), which is fine for the small files users write.
    """

    def compose_node(self, parent, index):
        """Compose as SafeLoader does, but stop at the first alias or anchor."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasRefused(event.start_mark.line + 1)
        return super().compose_node(parent, index)


def load_user_yaml(text: str, loader: type[yaml.SafeLoader] = NoAliasLoader) -> Any:
    """Parse YAML a user wrote; AliasRefused for aliases, ValueError when it is too large."""
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        raise ValueError(f"it is larger than {MAX_YAML_BYTES:,} bytes")
    return yaml.load(text, Loader=loader)  # noqa: S506 - loader is a SafeLoader subclass
