"""The PR comment: tables that render (checked by a Markdown parser), details per app, GitHub's size limit,
no secret value anywhere, and a short review of a 100-app platform where one app changed."""

from __future__ import annotations

import time

from markdown_it import MarkdownIt

from fleetform.review.markdown import GITHUB_COMMENT_LIMIT, MARKER, render_markdown
from fleetform.review.report import build_review
from tests.review.platforms import app_toml, plan, platform_repo

SECRET_VALUES = {"HF_TOKEN": "hf_live_Q8zR4mT1vW9xY2", "DOCKERHUB_TOKEN": "dckr_pat_7Hn3Kq0Lp5",
                 "PIP_TOKEN": "pypi-AgEIcHlwaS5vcmc"}


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table the parser renders: rows of cell texts (header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            assert row is not None
            row.append(tokens[index + 1].content if tokens[index + 1].type == "inline" else "")
        elif token.type == "tr_close":
            found[-1].append(row or [])
    return found


def test_summary_risks_and_details_render_as_tables(run_cli, base_and_head):
    base, head = base_and_head(generator={"auth": "public", "max": 6}, upscaler=None)
    markdown = run_cli("review", base, head).out
    assert markdown.startswith(MARKER)
    summary, risks, *details = tables(markdown)
    assert summary[0] == ["App", "Change", "Cloud regions", "Who can call", "GPUs at min", "GPUs at max",
                          "$/h at min", "$/h at max"]
    assert [row[0] for row in summary[1:]] == ["**generator**", "**upscaler**", "1 unchanged app(s)",
                                                "**Platform total**"]
    assert all(len(row) == 8 for row in summary)
    assert summary[1][3] == "private → public"
    assert risks[0] == ["", "Rule", "App", "Where", "What"]
    assert {row[1] for row in risks[1:]} >= {"`public-auth`", "`app-removed`"}
    assert details and details[0][0] == ["Field", "Before", "After"]
    assert markdown.index("### Risks") < markdown.index("<details>")
    assert markdown.count("<details>") == markdown.count("</details>") == 2


def test_a_pipe_in_a_value_does_not_break_the_table(run_cli, base_and_head):
    base, head = base_and_head(generator={"requirements": '["torch==2.5.0|2.6.0"]'})
    for table in tables(run_cli("review", base, head).out):
        assert len({len(row) for row in table}) == 1


def test_no_secret_value_in_any_output(run_cli, base_and_head, monkeypatch):
    for name, value in SECRET_VALUES.items():
        monkeypatch.setenv(name, value)
    secrets = 'secrets = ["HF_TOKEN"]\n'
    base, head = base_and_head(generator={"extra": secrets}, tagger={"extra": secrets, "max": 3})
    outputs = [run_cli("review", base, head, *args) for args in ((), ("--format", "json"))]
    text = "".join(result.out + result.err for result in outputs)
    assert "HF_TOKEN" in text  # secret names are shown ...
    for value in SECRET_VALUES.values():  # ... values never
        assert value not in text


def platform_of(root, count: int, changed: str | None = None):
    apps = [app_toml(f"app-{index:03}", machine="M" if index % 2 else "GPU-H100", max=2 + index % 3)
            for index in range(count)]
    if changed is not None:
        index = int(changed.split("-")[1])
        apps[index] = app_toml(changed, machine="GPU-H100", max=9)
    return platform_repo(root, apps, clouds='["aws", "gcp"]')


def test_a_100_app_platform_with_one_change_gives_a_short_review_fast(run_cli, tmp_path):
    base = platform_of(tmp_path / "base", 100)
    head = platform_of(tmp_path / "head", 100, changed="app-041")
    started = time.perf_counter()
    result = run_cli("review", base, head)
    seconds = time.perf_counter() - started
    assert result.code == 0, result.err
    assert seconds < 10, f"review took {seconds:.1f} s"
    summary = tables(result.out)[0]
    assert [row[0] for row in summary[1:]] == ["**app-041**", "99 unchanged app(s)", "**Platform total**"]
    assert "app-040" not in result.out and "app-042" not in result.out
    assert len(result.out) < 5_000


def test_a_huge_change_is_summarized_under_the_limit_and_says_what_it_left_out(tmp_path):
    base = plan(platform_of(tmp_path / "base", 400))
    head = plan(platform_repo(tmp_path / "head", [app_toml(f"app-{i:03}", machine="GPU-H100", max=7, auth="public")
                                                   for i in range(400)], clouds='["aws", "gcp"]'))
    review = build_review(base, head)
    full = render_markdown(review, budget=10**9)
    assert len(full) > GITHUB_COMMENT_LIMIT
    markdown = render_markdown(review)
    assert len(markdown) < GITHUB_COMMENT_LIMIT
    assert "summarized to fit one comment" in markdown or "left out to keep this comment under" in markdown
    summary = tables(markdown)[0]
    assert summary[-1][0] == "**Platform total**"
    assert summary[-1][5] == full_total(full)


def full_total(markdown: str) -> str:
    return tables(markdown)[0][-1][5]
