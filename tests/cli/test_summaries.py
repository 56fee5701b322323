"""Every command ends with a one-line summary (``--json`` prints only the document on stdout)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import EXAMPLES, REPO

PLATFORM = EXAMPLES / "platform"
SPIKE = REPO / "examples" / "traces" / "spike_then_idle.csv"


@pytest.mark.parametrize(("args", "stream", "summary"), [
    (["validate", EXAMPLES / "apps" / "speech"], "out", r"2 of 2 app\(s\) valid, 0 error\(s\)"),
    (["explain", "transcriber", "--config", PLATFORM], "err",
     r"transcriber: \d+ group\(s\) on aws, gcp in \d+ fal region\(s\), \d+ warning\(s\)"),
    (["simulate", "batch-zero", "--config", REPO / "examples" / "traces", "--trace", SPIKE], "err",
     r"batch-zero: GPU-hours over fal's: aws 0\.686, gcp 1\.199"),
    (["catalog", "show", "--machine", "XS", "--cloud", "aws"], "err", r"1 machine type\(s\) on aws"),
    (["catalog", "resolve", "GPU-L40"], "err", r"GPU-L40 runs on aws"),
])
def test_the_last_line_is_the_summary(run_cli, args, stream, summary) -> None:
    result = run_cli(*args)
    assert result.code == 0, result.err
    assert re.fullmatch(summary, getattr(result, stream).splitlines()[-1])


def test_json_output_has_no_summary_line(run_cli) -> None:
    result = run_cli("explain", "transcriber", "--config", PLATFORM, "--json")
    assert result.code == 0 and result.json["app"] == "transcriber"
    assert "group(s) on" not in result.err
