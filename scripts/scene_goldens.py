"""Write the golden traces of the scene engine (tests/scenes/golden/*.trace.json).

    .venv/bin/python scripts/scene_goldens.py [--force]

The traces below say *what* is played (a bundle, a seed, inputs); the expected states are
the Python engine's answers, written once, read by a person, then frozen: both engines are
tested against the files, not against this script. Existing files are left alone unless
--force is given (when the contract itself changes; review the diff).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pixsim7.scenes import engine
from pixsim7.scenes.format import Bundle, dump

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scene_golden_cases import CASES

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "scenes" / "golden"


def _observe(bundle: engine.Loaded, state: engine.State) -> dict[str, Any]:
    return {
        "state": {k: v for k, v in state.items() if k != "history"},
        "history": len(state["history"]),
        "options": engine.options(bundle, state),
    }


def trace(case: dict[str, Any]) -> dict[str, Any]:
    bundle = dump(Bundle.model_validate(case["bundle"]))
    loaded = engine.load(bundle)
    state = engine.start(loaded, case["seed"])
    steps = []
    for given in case["inputs"]:
        try:
            state = engine.advance(loaded, state, given)
        except engine.InvalidInput as exc:
            steps.append({"input": given, "error": exc.code})
            continue
        steps.append({"input": given, **_observe(loaded, state)})
    return {
        "name": case["name"],
        "description": case["description"],
        "bundle": bundle,
        "seed": case["seed"],
        "start": _observe(loaded, engine.start(loaded, case["seed"])),
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rewrite existing traces")
    args = parser.parse_args()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for file_name, case in CASES.items():
        path = GOLDEN / f"{file_name}.trace.json"
        if path.exists() and not args.force:
            print(f"kept    {path.name}")
            continue
        path.write_text(json.dumps(trace(case), indent=1) + "\n")
        print(f"written {path.name}")


if __name__ == "__main__":
    main()
