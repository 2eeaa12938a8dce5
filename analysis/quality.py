"""The shipped models' versions and measured figures, from ``analysis/models/metrics.json``.

Training writes the figures there; the analysis stage records them in the database
(table ``models``) so reports state them without reading this package's files.
"""

import json
from importlib import resources


def model_figures() -> list[dict]:
    """``[{name, version, metrics, measured_on}]`` for each shipped model (empty if unmeasured)."""
    path = resources.files("analysis") / "models" / "metrics.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [{"name": name, "version": entry["version"], "metrics": entry.get("metrics", {}),
             "measured_on": entry.get("measured_on")} for name, entry in sorted(data.items())]
