"""Synthesizing a platform repo: what ``fleetform synth`` and the repo's ``cdktf synth`` (main.py) both run.

A platform repo's ``main.py`` is ``synth_platform(Path(__file__).parent)``: under ``cdktf synth`` the
output folder comes from the CLI (``CDKTF_OUTDIR``), under ``fleetform synth`` from ``--out`` or the
repo's ``cdktf.json``, so both write the same files.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from fleetform.constructs.platform import FleetPlatform
from fleetform.errors import FleetformError, display_path
from fleetform.plan.document import PLAN_FILE, plan_bytes
from fleetform.plan.platform import plan_workspace
from fleetform.spec.workspace import open_workspace
from fleetform.synth_cache import STACK_FILE, SynthKeys, stack_keys, sync_output, write_if_changed
from fleetform.tf import App, Construct, TerraformStack, add_warning

DEFAULT_OUT_DIR = "cdktf.out"
MANIFEST_FILE = "manifest.json"


def synth_platform(settings: Path, out_dir: Path | None = None, *, incremental: bool = True) -> FleetPlatform:
    """Write ``<out>/stacks/<stack>/cdk.tf.json`` for every stack of the platform ``settings`` describes.

    Next to the stacks goes ``<out>/fleetform.plan.json``, the plan they render, which ``fleetform review``
    compares between two synth outputs. Incremental (the default) renders only the stacks whose inputs
    changed since the last synth into ``out`` and writes only files whose bytes differ
    (:mod:`fleetform.synth_cache`); ``incremental=False`` renders every stack. Either way the output is
    the same, and :attr:`FleetPlatform.written` names the stacks whose files changed.
    """
    target = out_dir if out_dir is not None else Path(os.environ.get("CDKTF_OUTDIR", DEFAULT_OUT_DIR))
    _ensure_writable(target)
    plan = plan_workspace(open_workspace(Path(settings)))
    keys = stack_keys(plan)
    previous = SynthKeys.read(target) if incremental else SynthKeys({})
    annotations = _annotations(target / MANIFEST_FILE)
    unchanged = previous.unchanged(target, keys) & annotations.keys()
    with tempfile.TemporaryDirectory(prefix=".fleetform-synth-", dir=target) as scratch:
        app = App(outdir=scratch)
        platform = FleetPlatform(app, settings=plan, render=set(keys) - unchanged)
        for name in unchanged:
            _replay_annotations(platform.stacks[name], annotations[name])
        app.synth()
        stale = {path.parent.name for path in (target / "stacks").glob(f"*/{STACK_FILE}")} - keys.keys()
        platform.written = tuple(sync_output(Path(scratch), target, platform.rendered, stale))
    write_if_changed(target / PLAN_FILE, plan_bytes(plan))
    SynthKeys.write(target, keys)
    return platform


def _annotations(manifest: Path) -> dict[str, list[dict[str, str]]]:
    """Per stack, the annotations the last synth's ``manifest.json`` recorded (none: nothing to reuse)."""
    try:
        stacks = json.loads(manifest.read_text(encoding="utf-8"))["stacks"]
        return {name: list(entry.get("annotations", [])) for name, entry in stacks.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _replay_annotations(stack: TerraformStack, annotations: list[dict[str, str]]) -> None:
    """Give a stack that is not rendered again the warnings it had, on the same construct paths, so cdktf
    writes the manifest a full synth writes."""
    made: dict[str, Construct] = {}
    for annotation in annotations:
        scope: Construct = stack
        path = stack.node.id
        for part in annotation["constructPath"].split("/")[1:]:
            path = f"{path}/{part}"
            scope = made[path] if path in made else made.setdefault(path, Construct(scope, part))
        add_warning(scope, annotation["message"])


def default_out_dir(settings: Path) -> Path:
    """``output`` of the ``cdktf.json`` next to the platform's pyproject, else ``cdktf.out`` there."""
    folder = settings if settings.is_dir() else settings.parent
    config = folder / "cdktf.json"
    if not config.is_file():
        return folder / DEFAULT_OUT_DIR
    try:
        output = json.loads(config.read_text(encoding="utf-8")).get("output", DEFAULT_OUT_DIR)
    except json.JSONDecodeError as error:
        raise FleetformError.single("synth/bad-cdktf-json", f"{display_path(config)}:{error.lineno}",
                                    f"cdktf.json is not valid JSON: {error.msg}") from None
    return folder / output


def _ensure_writable(out_dir: Path) -> None:
    """Fail as bad input, before any work, when the output folder cannot be created or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".fleetform-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise FleetformError.single("synth/out-not-writable", display_path(out_dir),
                                    f"cannot write the synth output there: {error.strerror or error}",
                                    fix="pass --out with a folder you can write to") from None
