#!/usr/bin/env python3
"""Scale benchmark (issue 16): synth, incremental synth, check and incremental check of N-app platforms.

For each N it writes a generated platform (``platforms.py``: N class-configured apps, both clouds, three
default fal regions), then times, each in a fresh process, as a user runs them:

1. ``fleetform synth`` into an empty folder (full synth);
2. the same again after one app's ``keep_alive`` changed (incremental synth);
3. ``fleetform check --no-cache`` (full check, every stack);
4. ``fleetform check`` twice: once to fill the cache, then after a second one-app change and synth
   (incremental check: only the changed stacks run).

Wall time is the whole process; CPU time is its user + system time and its children's (what a shared
machine's load does not inflate much); peak memory is the highest sum of the RSS of the process and all
its descendants (Node.js for jsii, Terraform workers, the offline providers), sampled every 50 ms from
``/proc`` (Linux only). Each measurement records the load average when it ended. ``--repeat N`` runs the
two synths N times (the full one into an emptied folder, the incremental one after a different app's
change each time) and keeps the fastest. It also reports the layout: stacks, the largest stack's
resource count, and how many stacks the one-app change touched per cloud region. The engine is the
one ``FLEETFORM_FRAMEWORK`` names (default: fleetform's Python engine).

    .venv/bin/python benchmarks/scale.py --apps 20 100 --json /tmp/scale.json
    .venv/bin/python benchmarks/scale.py --apps 500 --skip-check --repeat 3   # synth only
    FLEETFORM_FRAMEWORK=cdktf .venv/bin/python benchmarks/scale.py --apps 100 --skip-check   # on cdktf
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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
    """Run ``command``; its wall and CPU seconds, peak tree RSS (MB), exit code, the last line of its output
    and the load average when it ended."""
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
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
    return {"seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(_children_cpu_seconds() - cpu_before, 2), "peak_mb": round(peak / 1024),
            "code": process.returncode, "summary": lines[-1] if lines else "",
            "load_average": round(os.getloadavg()[0], 1)}


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest run (a shared machine only adds time), with every run's wall seconds."""
    best = min(runs, key=lambda run: run["seconds"])
    return {**best, "all_seconds": [run["seconds"] for run in runs]}


def layout(out: Path) -> dict[str, Any]:
    sizes = {path.parent.name: sum(len(blocks) for blocks in json.loads(path.read_text()).get("resource", {}).values())
             for path in (out / "stacks").glob("*/cdk.tf.json")}
    largest = max(sizes, key=lambda name: sizes[name])
    return {"stacks": len(sizes), "resources": sum(sizes.values()), "largest_stack": largest,
            "largest_stack_resources": sizes[largest]}


def run(apps: int, scratch: Path, skip_check: bool, repeat: int = 1) -> dict[str, Any]:
    root = scratch / f"platform-{apps}"
    platform, out = write_platform(root, apps), root / "cdktf.out"
    env = {**os.environ, "FLEETFORM_CACHE_DIR": str(root / "cache"), "NO_COLOR": "1"}
    synth = [*FLEETFORM, "synth", "--config", str(platform), "--out", str(out)]
    result: dict[str, Any] = {"apps": apps, "engine": os.environ.get("FLEETFORM_FRAMEWORK") or "python"}
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        runs.append(measure(synth, env))
    result["synth"] = fastest(runs)
    result["layout"] = layout(out)
    before = {path.parent.name: path.stat().st_mtime_ns for path in (out / "stacks").glob("*/cdk.tf.json")}
    change_app(root, 0)
    runs = [measure(synth, env)]
    after = {path.parent.name: path.stat().st_mtime_ns for path in (out / "stacks").glob("*/cdk.tf.json")}
    for index in range(2, repeat + 1):  # app 1 is the incremental check's change
        change_app(root, index)
        runs.append(measure(synth, env))
    result["incremental_synth"] = fastest(runs)
    touched = [name for name, mtime in before.items() if after[name] != mtime]
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
    parser.add_argument("--repeat", type=int, default=1, help="runs of each synth; the fastest counts (default: 1)")
    options = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="fleetform-scale-") as scratch:
        for apps in options.apps:
            result = run(apps, Path(scratch), options.skip_check, options.repeat)
            results.append(result)
            print(json.dumps(result), flush=True)
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(step.get("code", 0) == 0 for result in results for step in result.values()
                    if isinstance(step, dict) and "code" in step) else 1


if __name__ == "__main__":
    raise SystemExit(main())
