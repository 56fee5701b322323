"""``fleetform synth``: write every stack of a platform repo, as ``cdktf synth`` does."""

from __future__ import annotations

from pathlib import Path

import click

from fleetform.errors import display_path
from fleetform.synth import default_out_dir, synth_platform


@click.command(name="synth")
@click.option("--config", "config", default=".", type=click.Path(path_type=Path),
              help="The platform repo: its pyproject.toml or folder (default: .).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: the repo's cdktf.json `output`, else cdktf.out next to it).")
@click.option("--no-cache", is_flag=True, help="Render every stack again (the output is the same).")
def command(config: Path, out_dir: Path | None, no_cache: bool) -> int:
    """Synthesize the platform's stacks into OUT: per cloud a shared stack, per cloud region a base
    stack, one stack per app and (GCP) a routes stack.

    The result is the same as `cdktf synth` in the repo (whose main.py calls fleetform.synth). Only the
    stacks whose inputs changed since the last synth into OUT are rendered, and only changed files are
    written (the others keep their bytes and mtime). Follow with `fleetform check OUT`.
    """
    out = out_dir or default_out_dir(config)
    platform = synth_platform(config, out, incremental=not no_cache)
    for problem in platform.plan.warnings:
        click.echo(problem.render_warning(), err=True)
    for name in sorted(platform.stacks):
        click.echo(f"{name}: {display_path(out / 'stacks' / name / 'cdk.tf.json')}")
    click.echo(f"{len(platform.stacks)} stack(s) in {display_path(out)}: {len(platform.rendered)} rendered, "
               f"{len(platform.written)} written", err=True)
    return 0
