"""The compiled pre-router core decides and redacts exactly as the interpreted one does.

The image compiles the modules pyproject's ``[tool.healer] compiled`` lists with mypyc
(``HEALER_COMPILE=1``); every other test runs them interpreted. This builds a compiled copy
of the package (``scripts/compile_core.py``, a minute or two) and, in one subprocess per
copy, decides every labelled case (dev, fresh and holdout, with and without a route
memory) and redacts the secrets corpus and every webhook fixture; the two must agree to
the byte. Only digests leave the subprocess: the holdout's decisions are never read here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from compile_core import compile_copy, compiled_modules  # noqa: E402

pytestmark = pytest.mark.evals

# runs inside each copy: a digest of everything the compiled modules produce
_PROBE = r"""
import hashlib, importlib, json, sys
from pathlib import Path
import yaml
from healer_agent.evals.dataset import load_dataset
from healer_agent.logs import redact
from healer_agent.logs.redact import redact_json
from healer_agent.models import Agent
from healer_agent.routing.prerouter import PreRouter

root = Path(sys.argv[1])
modules = [m[:-3].replace("/", ".") for m in json.loads(sys.argv[2])]
compiled = [m for m in modules if not importlib.import_module(m).__file__.endswith(".py")]
plain = PreRouter()
remembers = PreRouter(memory=lambda s: Agent.ATLAS if s[-1] in "02468ace" else None)
out = {}
for split in ("dev", "fresh", "holdout"):
    for case in load_dataset(root / "evals" / "cases" / split):
        for name, router in (("", plain), ("@memory", remembers)):
            text = router.decide(case.incident, case.context).model_dump_json()
            out[case.id + name] = hashlib.sha256(text.encode()).hexdigest()
fixtures = root / "tests" / "fixtures"
for n, entry in enumerate(yaml.safe_load((fixtures / "secrets" / "corpus.yaml").read_text())):
    out[f"corpus:{n}"] = hashlib.sha256(redact(entry["text"]).encode()).hexdigest()
for path in sorted((fixtures / "github-webhooks").rglob("*.json")):
    body = json.dumps(redact_json(json.loads(path.read_text())), sort_keys=True)
    out[f"webhook:{path.name}"] = hashlib.sha256(body.encode()).hexdigest()
print(json.dumps({"compiled": compiled, "digests": out}))
"""


def _probe(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT), json.dumps(compiled_modules())],
        capture_output=True,
        text=True,
        check=False,
        cwd=path,
        env={"PYTHONPATH": str(path), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_compiled_core_decides_and_redacts_as_the_interpreted_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    compiled = _probe(compile_copy(tmp_path_factory.mktemp("compiled")))
    interpreted = _probe(ROOT)
    # every listed module really ran compiled in the one, none in the other
    assert len(compiled["compiled"]) == len(compiled_modules())  # type: ignore[arg-type]
    assert interpreted["compiled"] == []
    ours, theirs = compiled["digests"], interpreted["digests"]
    assert isinstance(ours, dict) and isinstance(theirs, dict)
    assert len(ours) > 2500
    differ = sorted(k for k in theirs if ours.get(k) != theirs[k])
    assert not differ, f"{len(differ)} differ, e.g. {differ[:5]}"
