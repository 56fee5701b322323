"""Deprecated arguments are allowed, with a Python warning and a synth-time annotation."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from fleetform.tf import App, Construct, DeprecatedArgumentWarning, aws


def test_deprecated_argument_warns_at_the_callers_line(scope: Construct) -> None:
    with pytest.warns(DeprecatedArgumentWarning) as caught:
        aws.IamRole(scope, "Role", assume_role_policy="{}", managed_policy_arns=["arn:aws:iam::aws:policy/x"])
    assert [str(warning.message) for warning in caught] == [
        "aws-us-east/app-sd/Role: aws_iam_role: 'managed_policy_arns' is deprecated in the pinned provider schema"
    ]
    assert caught[0].filename == __file__


def test_deprecated_block_warns_with_its_path(scope: Construct) -> None:
    with pytest.warns(DeprecatedArgumentWarning, match=r"aws_s3_bucket: 'versioning' is deprecated"):
        aws.S3Bucket(scope, "Bucket", bucket="b", versioning={"enabled": True})


def test_deprecation_is_annotated_for_cdktf_synth(app: App, scope: Construct) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecatedArgumentWarning)
        aws.IamRole(scope, "Role", assume_role_policy="{}", managed_policy_arns=[])
    app.synth()
    manifest = json.loads((Path(app.outdir) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stacks"]["aws-us-east"]["annotations"] == [
        {
            "constructPath": "aws-us-east/app-sd/Role",
            "level": "@cdktf/warn",
            "message": "aws-us-east/app-sd/Role: aws_iam_role: 'managed_policy_arns' "
                       "is deprecated in the pinned provider schema",
        }
    ]


def test_current_arguments_do_not_warn(scope: Construct) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aws.IamRole(scope, "Role", assume_role_policy="{}")
