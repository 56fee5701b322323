"""``fleetform review BASE HEAD``: what a pull request changes, its risks and its cost, as one PR comment."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fleetform.review.inputs import load_side
from fleetform.review.json_report import review_json
from fleetform.review.markdown import render_markdown
from fleetform.review.policy import DEFAULT_POLICY, load_policy
from fleetform.review.redact import scrub
from fleetform.review.report import build_review
from fleetform.review.terraform_plan import read_plans


@click.command(name="review")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("head", type=click.Path(path_type=Path))
@click.option("--plan", "plans", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="`terraform show -json` of a HEAD stack's plan (repeat for each stack).")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Markdown for a pull-request comment, or JSON for bots.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A TOML policy: rule severities, cost thresholds, opt-ins (default: the built-in policy).")
@click.option("--fail-on-warn", is_flag=True, help="Exit 1 when the policy warns (and nothing is denied).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the review to this file instead of stdout.")
def command(base: Path, head: Path, plans: tuple[Path, ...], output_format: str, as_json: bool,
            policy_file: Path | None, fail_on_warn: bool, out_file: Path | None) -> int:
    """Review the change from BASE to HEAD: each a synth output (with fleetform.plan.json) or a platform repo.

    Prints the domain diff per app and cloud region (fal fields, image key, GPUs and $/h at min and
    max, who can call), the risks (from the plans and from every --plan), and the policy's verdict.
    Exit 0 clean, 1 warnings (only with --fail-on-warn), 2 denied by the policy or bad input.
    """
    policy = load_policy(policy_file) if policy_file else DEFAULT_POLICY
    base_plan, head_plan = load_side(base, "BASE"), load_side(head, "HEAD")
    apps = {group.app for plan in (base_plan, head_plan) for group in plan.groups()}
    review = build_review(base_plan, head_plan, read_plans(list(plans), apps), policy)
    if as_json or output_format == "json":
        text = scrub(json.dumps(review_json(review, fail_on_warn=fail_on_warn), indent=2, sort_keys=True))
    else:
        text = render_markdown(review)
    if out_file is not None:
        out_file.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    click.echo(review.summary_line(), err=True)
    return review.exit_code(fail_on_warn=fail_on_warn)
