"""``fleetform check``: real Terraform validates and plans each synthesized stack, offline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.check import check_stacks


@click.command(name="check")
@click.argument("out_dir", default="cdktf.out", type=click.Path(path_type=Path))
@click.option(
    "--plan-json",
    "plan_json_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FLEETFORM_CHECK_PLAN_JSON",
    help="Also write each stack's `terraform show -json` of its plan to OUTDIR/<stack>.plan.json "
    "[env FLEETFORM_CHECK_PLAN_JSON].",
)
@click.option("--json", "as_json", is_flag=True, help="Print {stacks: [{name, ok, diagnostics}]} as JSON on stdout.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    envvar="FLEETFORM_CHECK_JOBS",
    help="Stacks checked at once (default: one per core) [env FLEETFORM_CHECK_JOBS].",
)
def command(out_dir: Path, plan_json_dir: Path | None, as_json: bool, jobs: int | None) -> int:
    """Validate and plan every stack of OUT_DIR (cdktf output, default cdktf.out; or one stack folder).

    Terraform runs against fleetform's offline provider, which serves the pinned hashicorp/aws and
    hashicorp/google schemas: no credentials, no network, no state. Every diagnostic is reported
    with its place in cdk.tf.json, the Terraform address and the construct path.
    Exit 0 when every stack validates and plans, 1 on findings, 2 on bad input.
    """
    report = check_stacks(out_dir, plan_json_dir=plan_json_dir, jobs=jobs)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.render())
    return 0 if report.ok else 1
