"""``fleetform migrate-state``: move resources between stack states after the stack layout changed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.errors import display_path
from fleetform.migrate_state import migrate_states


@click.command(name="migrate-state")
@click.argument("state_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "out_dir", default="cdktf.out", type=click.Path(file_okay=False, path_type=Path),
              help="The synthesized stacks of the new layout (default: cdktf.out).")
@click.option("--dry-run", is_flag=True, help="Print what would move; write nothing.")
@click.option("--json", "as_json", is_flag=True,
              help="Print {stacks: [{stack, moves, dropped_reads, undeclared}], push_order, totals} as JSON.")
def command(state_dir: Path, out_dir: Path, dry_run: bool, as_json: bool) -> int:
    """Move each resource in STATE_DIR/<stack>.tfstate to the state of the stack that now declares it.

    For the split of one stack per region into base, app and routes stacks: the base stack keeps the
    region's state, each app's resources move to its app stack's state, GCP's load balancers to the
    routes stack's. Nothing in the cloud changes. Every changed file is first copied to
    <stack>.tfstate.backup; running it again moves nothing. With S3 or GCS backends, pull the states
    into STATE_DIR first and push them back in the printed order (README: Migrating state).
    """
    report = migrate_states(out_dir, state_dir, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return 0
    for stack in report.stacks:
        for receiver, addresses in sorted(stack.moves.items()):
            click.echo(f"{stack.stack} -> {receiver}: {len(addresses)} resource(s)")
        if stack.dropped_reads:
            click.echo(f"{stack.stack}: {len(stack.dropped_reads)} data source(s) it no longer reads dropped")
        for address in stack.undeclared:
            click.echo(f"warning: {stack.stack}: {address} is declared by no stack; the next plan destroys it",
                       err=True)
    if report.written:
        click.echo(f"push order: {' '.join(report.written)}")
    verb = "would move" if dry_run else "moved"
    click.echo(f"{verb} {report.moved} resource(s) in {len(report.stacks)} state(s) of {display_path(state_dir)}; "
               f"{len(report.written)} state file(s) {'to write' if dry_run else 'written'}", err=True)
    return 0
