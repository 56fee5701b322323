"""Requirements parse into typed entries, keep their order and layers, and refuse embedded credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetform.spec.requirements import (
    IndexOption,
    LocalRequirement,
    PackageRequirement,
    UrlRequirement,
    VcsRequirement,
    parse_requirement_layers,
)

CONTEXT = Path("/project")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("torch==2.4.0", PackageRequirement("torch==2.4.0", "torch", (), "==2.4.0", None, None)),
        ("diffusers[torch,flax]>=0.30; python_version>'3.9'",
         PackageRequirement("diffusers[torch,flax]>=0.30; python_version>'3.9'", "diffusers", ("flax", "torch"),
                            ">=0.30", 'python_version > "3.9"', None)),
        ("mypackage@https://x.example/w/mypackage-1.0-py3-none-any.whl",
         PackageRequirement("mypackage@https://x.example/w/mypackage-1.0-py3-none-any.whl", "mypackage", (), "", None,
                            "https://x.example/w/mypackage-1.0-py3-none-any.whl")),
        ("https://x.example/w/pkg-1.0-cp311-cp311-linux_x86_64.whl",
         UrlRequirement("https://x.example/w/pkg-1.0-cp311-cp311-linux_x86_64.whl",
                        "https://x.example/w/pkg-1.0-cp311-cp311-linux_x86_64.whl")),
        ("git+https://github.com/org/repo.git@v1.0.0",
         VcsRequirement("git+https://github.com/org/repo.git@v1.0.0", "git", "https://github.com/org/repo.git",
                        "v1.0.0")),
        ("git+https://${GH_TOKEN}@github.com/org/private.git",
         VcsRequirement("git+https://${GH_TOKEN}@github.com/org/private.git", "git",
                        "https://${GH_TOKEN}@github.com/org/private.git", None)),
        (".", LocalRequirement(".", Path("/project"), ())),
        (".[extra]", LocalRequirement(".[extra]", Path("/project"), ("extra",))),
        ("projects/foo[a, b]", LocalRequirement("projects/foo[a, b]", Path("/project/projects/foo"), ("a", "b"))),
        ("../shared", LocalRequirement("../shared", Path("/shared"), ())),
    ],
)
def test_parses_each_form(text, expected):
    requirements, errors = parse_requirement_layers([[text]], CONTEXT)

    assert errors == []
    assert requirements.entries == (expected,)


def test_index_options_keep_their_position_in_either_form():
    requirements, errors = parse_requirement_layers(
        [["torch==2.5.0", "--extra-index-url", "https://download.pytorch.org/whl/cu124", "-f=https://x.example/w/",
          "numpy"]], CONTEXT)

    assert errors == []
    assert [type(entry).__name__ for entry in requirements.entries] == [
        "PackageRequirement", "IndexOption", "IndexOption", "PackageRequirement"]
    assert requirements.entries[1] == IndexOption("--extra-index-url", "https://download.pytorch.org/whl/cu124")
    assert requirements.entries[2] == IndexOption("--find-links", "https://x.example/w/")


def test_layers_stay_ordered_and_secret_placeholders_are_collected():
    requirements, _ = parse_requirement_layers(
        [["torch"], ["git+https://${GH_TOKEN}@github.com/o/r.git", "--index-url", "https://${PYPI_USER}:${PYPI_PASS}@p.example/simple"]],
        CONTEXT)

    assert len(requirements.layers) == 2
    assert requirements.secret_names == ("GH_TOKEN", "PYPI_PASS", "PYPI_USER")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("https://user:hunter2@pypi.example.com/simple/pkg.whl", "URL 'https://***@pypi.example.com/simple/pkg.whl' "
         "embeds a credential"),
        ("git+https://ghp_0123456789@github.com/o/r.git", "URL 'https://***@github.com/o/r.git' embeds a credential"),
        ("pkg @ https://tok@host.example/pkg.whl", "URL 'https://***@host.example/pkg.whl' embeds a credential"),
        ("https://b.s3.amazonaws.com/w.whl?X-Amz-Credential=AKIA&X-Amz-Signature=abc",
         "URL 'https://b.s3.amazonaws.com/w.whl?***' carries a signed credential in its query "
         "(x-amz-credential, x-amz-signature)"),
    ],
)
def test_credentials_in_urls_are_refused_without_echoing_them(text, message):
    _, errors = parse_requirement_layers([[text]], CONTEXT)

    assert [str(error) for _, _, error in errors] == [message]
    assert "${" in errors[0][2].fix


def test_index_option_credentials_are_refused_too():
    _, errors = parse_requirement_layers([["--extra-index-url", "https://u:p@pypi.example.com/simple"]], CONTEXT)

    assert str(errors[0][2]) == "URL 'https://***@pypi.example.com/simple' embeds a credential"


def test_to_pip_args_gives_one_argument_per_entry():
    requirements, _ = parse_requirement_layers([["--extra-index-url", "https://i.example/simple", "torch"]], CONTEXT)

    assert requirements.to_pip_args() == (("--extra-index-url=https://i.example/simple", "torch"),)
