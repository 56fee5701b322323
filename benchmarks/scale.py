#!/usr/bin/env python3
"""Scale benchmark (issue 16): synth, incremental synth, check and incremental check of N-app platforms.

For each N it writes a generated platform (``platforms.py``: N class-configured apps, both clouds, three
default fal regions), then times, each in a fresh process, as a user runs them:

1. ``fleetform synth`` into an empty folder (full synth);
2. the same again after one app's ``keep_alive`` changed (incremental synth);
3. ``fleetform check --no-cache`` (full check, every stack);
4. ``fleetform check`` twice: once to fill the cache, then after a second one-app change and synth
   (incremental check: only the changed stacks run).

Wall time is the whole process; peak memory is the highest sum of the RSS of the process and all its
descendants (Node.js for jsii, Terraform workers, the offline providers), sampled every 50 ms from
``/proc`` (Linux only). It also reports the layout: stacks, the largest stack's resource count, and how
many stacks the one-app change touched per cloud region.

    .venv/bin/python benchmarks/scale.py --apps 20 100 --json /tmp/scale.json
    .venv/bin/python benchmarks/scale.py --apps 500 --skip-check      # synth only, minutes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from platforms import app_name, change_app, write_platform  # noqa: E402  (next to this script)

FLEETFORM = [sys.executable, "-m", "fleetform"]


def _tree_rss_kib(root_pid: int) -> int:
    """RSS of ``root_pid`` and every descendant, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def measure(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``command``; its wall seconds, peak tree RSS (MB), exit code and the last line of its stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    lines = (stdout + stderr).strip().splitlines()
    return {"seconds": round(time.perf_counter() - started, 2), "peak_mb": round(peak / 1024),
            "code": process.returncode, "summary": lines[-1] if lines else ""}


def layout(out: Path) -> dict[str, Any]:
    sizes = {path.parent.name: sum(len(blocks) for blocks in json.loads(path.read_text()).get("resource", {}).values())
             for path in (out / "stacks").glob("*/cdk.tf.json")}
    largest = max(sizes, key=lambda name: sizes[name])
    return {"stacks": len(sizes), "resources": sum(sizes.values()), "largest_stack": largest,
            "largest_stack_resources": sizes[largest]}


def run(apps: int, scratch: Path, skip_check: bool) -> dict[str, Any]:
    root = scratch / f"platform-{apps}"
    platform, out = write_platform(root, apps), root / "cdktf.out"
    env = {**os.environ, "FLEETFORM_CACHE_DIR": str(root / "cache"), "NO_COLOR": "1"}
    synth = [*FLEETFORM, "synth", "--config", str(platform), "--out", str(out)]
    result: dict[str, Any] = {"apps": apps, "synth": measure(synth, env)}
    result["layout"] = layout(out)
    before = {path.parent.name: path.stat().st_mtime_ns for path in (out / "stacks").glob("*/cdk.tf.json")}
    change_app(root, 0)
    result["incremental_synth"] = measure(synth, env)
    touched = [name for name, mtime in before.items()
               if (out / "stacks" / name / "cdk.tf.json").stat().st_mtime_ns != mtime]
    regions = Counter(name.split("--")[0].removesuffix("-routes") for name in touched)
    result["one_app_change"] = {"app": app_name(0), "stacks_touched": sorted(touched),
                                "most_per_region": max(regions.values(), default=0)}
    if not skip_check:
        check = [*FLEETFORM, "check", str(out)]
        result["check"] = measure([*check, "--no-cache"], env)
        measure(check, env)  # fills the cache
        change_app(root, 1)
        measure(synth, env)
        result["incremental_check"] = measure(check, env)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fleetform scale benchmark (issue 16).")
    parser.add_argument("--apps", type=int, nargs="+", default=[20, 100, 500])
    parser.add_argument("--skip-check", action="store_true", help="time synth only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="fleetform-scale-") as scratch:
        for apps in options.apps:
            result = run(apps, Path(scratch), options.skip_check)
            results.append(result)
            print(json.dumps(result), flush=True)
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(step.get("code", 0) == 0 for result in results for step in result.values()
                    if isinstance(step, dict) and "code" in step) else 1


if __name__ == "__main__":
    raise SystemExit(main())
