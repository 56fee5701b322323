"""modules/aws-state: its example validates and plans offline, with a locked-down, KMS-encrypted state bucket.

The example creates the key and a DynamoDB lock table, keeps 20 old versions for 180 days and
attaches the state access policy to a deploying role.
"""

from __future__ import annotations

import json

import pytest

from tests.modules.module_docs import expected_readme
from tests.modules.roots import MODULES_DIR, Checked, CheckOnce, Resources, checked_example, planned

pytestmark = pytest.mark.terraform

BUCKET = "acme-gpu-platform-tfstate-111111111111"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
M = "module.state"


@pytest.fixture(scope="module")
def example(check_once: CheckOnce) -> Checked:
    return check_once("aws-state-example", lambda folder: checked_example("aws-state", folder))


@pytest.fixture(scope="module")
def resources(example: Checked) -> Resources:
    return planned(example[1])


def test_example_validates_and_plans_without_diagnostics(example: Checked) -> None:
    result, plan = example
    assert (result.ok, result.diagnostics, result.resource_count) == (True, (), 11)
    assert plan["errored"] is False


def test_bucket_is_versioned_and_owner_enforced(resources: Resources) -> None:
    assert (resources[f"{M}.aws_s3_bucket.this"]["bucket"], resources[f"{M}.aws_s3_bucket.this"]["force_destroy"]) == (
        BUCKET,
        False,
    )
    assert resources[f"{M}.aws_s3_bucket_versioning.this"]["versioning_configuration"] == [{"status": "Enabled"}]
    assert resources[f"{M}.aws_s3_bucket_ownership_controls.this"]["rule"] == [
        {"object_ownership": "BucketOwnerEnforced"}
    ]


def test_public_access_is_blocked(resources: Resources) -> None:
    block = resources[f"{M}.aws_s3_bucket_public_access_block.this"]
    assert {
        name: block[name]
        for name in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    } == {
        "block_public_acls": True,
        "block_public_policy": True,
        "ignore_public_acls": True,
        "restrict_public_buckets": True,
    }


def test_default_encryption_is_sse_kms_with_a_rotated_key(resources: Resources) -> None:
    (rule,) = resources[f"{M}.aws_s3_bucket_server_side_encryption_configuration.this"]["rule"]
    assert (rule["apply_server_side_encryption_by_default"][0]["sse_algorithm"], rule["bucket_key_enabled"]) == (
        "aws:kms",
        True,
    )
    assert rule["blocked_encryption_types"] == ["SSE-C"]
    key = resources[f"{M}.aws_kms_key.this[0]"]
    assert (key["enable_key_rotation"], key["deletion_window_in_days"]) == (True, 30)
    assert resources[f"{M}.aws_kms_alias.this[0]"]["name"] == f"alias/{BUCKET}"


def test_bucket_policy_denies_plain_http_old_tls_and_other_encryption(resources: Resources) -> None:
    statements = json.loads(resources[f"{M}.aws_s3_bucket_policy.this"]["policy"])["Statement"]
    assert [(s["Sid"], s["Effect"], s["Principal"], s["Action"], s["Condition"]) for s in statements] == [
        ("DenyRequestsWithoutTls", "Deny", "*", "s3:*", {"Bool": {"aws:SecureTransport": "false"}}),
        ("DenyTlsOlderThan12", "Deny", "*", "s3:*", {"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
        (
            "DenyUploadsNotEncryptedWithKms",
            "Deny",
            "*",
            "s3:PutObject",
            {
                "Null": {"s3:x-amz-server-side-encryption": "false"},
                "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
            },
        ),
    ]
    assert statements[0]["Resource"] == [BUCKET_ARN, f"{BUCKET_ARN}/*"]


def test_old_versions_expire_but_the_newest_are_kept(resources: Resources) -> None:
    rules = {rule["id"]: rule for rule in resources[f"{M}.aws_s3_bucket_lifecycle_configuration.this"]["rule"]}
    assert rules["expire-old-state-versions"]["noncurrent_version_expiration"] == [
        {"newer_noncurrent_versions": 20, "noncurrent_days": 180}
    ]
    assert rules["expire-old-state-versions"]["expiration"] == [{"date": None, "expired_object_delete_marker": True}]
    assert rules["abort-incomplete-multipart-uploads"]["abort_incomplete_multipart_upload"] == [
        {"days_after_initiation": 7}
    ]
    assert {rule["status"] for rule in rules.values()} == {"Enabled"}


def test_lock_table_is_encrypted_recoverable_and_protected(resources: Resources) -> None:
    table = resources[f"{M}.aws_dynamodb_table.lock[0]"]
    assert (table["name"], table["hash_key"], table["attribute"], table["billing_mode"]) == (
        f"{BUCKET}-lock",
        "LockID",
        [{"name": "LockID", "type": "S"}],
        "PAY_PER_REQUEST",
    )
    assert (
        table["server_side_encryption"][0]["enabled"],
        table["point_in_time_recovery"],
        table["deletion_protection_enabled"],
    ) == (True, [{"enabled": True}], True)


def test_outputs_for_the_platform(example: Checked) -> None:
    assert sorted(example[1]["output_changes"]) == ["bucket_name", "fleetform_settings", "kms_key_arn"]
    assert example[1]["output_changes"]["bucket_name"]["after_unknown"] is True  # the bucket's id, known after apply


def test_readme_documents_exactly_the_module_s_inputs_outputs_and_resources(example: Checked) -> None:
    readme = MODULES_DIR / "aws-state" / "README.md"
    assert readme.read_text(encoding="utf-8") == expected_readme("aws-state", example[1]), (
        "run: .venv/bin/python -m tests.modules.module_docs"
    )
