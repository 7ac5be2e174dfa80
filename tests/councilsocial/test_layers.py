"""The layers point one way (README "Where things live"), checked by import-linter's contracts.

The real tree keeps them; and the same kind of contract breaks on a deliberate upward import, so a
contract that could never fail would be caught here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [str(LINT_IMPORTS), "--no-cache"]
    if config is not None:
        command += ["--config", str(config)]
    env = {"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(cwd)}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_the_project_keeps_its_layers():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def _package(tmp_path: Path, upward: bool) -> Path:
    """A two-layer package, ``top`` over ``low``; ``low`` imports ``top`` when ``upward``, inside a
    function, as the imports this project used to hide from its cycles."""
    package = tmp_path / "layered"
    (package / "top").mkdir(parents=True)
    (package / "low").mkdir()
    for init in ("__init__.py", "top/__init__.py", "low/__init__.py"):
        (package / init).write_text("")
    (package / "top" / "pages.py").write_text("from layered.low.rules import rule\n")
    body = "def rule():\n"
    body += (
        "    from layered.top.pages import rule as page_rule\n\n    return page_rule\n"
        if upward
        else "    return 1\n"
    )
    (package / "low" / "rules.py").write_text(body)
    config = tmp_path / "importlinter.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["layered"]

            [[tool.importlinter.contracts]]
            name = "top over low"
            type = "layers"
            layers = ["layered.top", "layered.low"]
            """
        )
    )
    return config


def test_a_contract_like_ours_passes_when_imports_point_down(tmp_path):
    result = _lint(_package(tmp_path, upward=False), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path):
    result = _lint(_package(tmp_path, upward=True), cwd=tmp_path)
    assert result.returncode != 0
    assert "layered.low.rules -> layered.top.pages" in result.stdout
