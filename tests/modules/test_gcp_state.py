"""modules/gcp-state: its example validates and plans offline, with a private, versioned, CMEK-encrypted bucket.

The example creates its own key in the bucket's multi-region and grants a deployer access to the
state objects.
"""

from __future__ import annotations

import pytest

from tests.modules.module_docs import expected_readme
from tests.modules.roots import MODULES_DIR, Checked, CheckOnce, Resources, checked_example, planned

pytestmark = pytest.mark.terraform

M = "module.state"


@pytest.fixture(scope="module")
def example(check_once: CheckOnce) -> Checked:
    return check_once("gcp-state-example", lambda folder: checked_example("gcp-state", folder))


@pytest.fixture(scope="module")
def resources(example: Checked) -> Resources:
    return planned(example[1])


def test_example_validates_and_plans_without_diagnostics(example: Checked) -> None:
    result, plan = example
    assert (result.ok, result.diagnostics, result.resource_count) == (True, (), 5)
    assert plan["errored"] is False


def test_bucket_is_versioned_private_and_iam_only(resources: Resources) -> None:
    bucket = resources[f"{M}.google_storage_bucket.this"]
    assert (bucket["name"], bucket["location"], bucket["storage_class"], bucket["force_destroy"]) == (
        "acme-gpu-platform-tfstate",
        "US",
        "STANDARD",
        False,
    )
    assert (bucket["versioning"], bucket["uniform_bucket_level_access"], bucket["public_access_prevention"]) == (
        [{"enabled": True}],
        True,
        "enforced",
    )


def test_bucket_encrypts_with_a_created_key_in_its_location(example: Checked, resources: Resources) -> None:
    ring = resources[f"{M}.google_kms_key_ring.this[0]"]
    key = resources[f"{M}.google_kms_crypto_key.this[0]"]
    assert (ring["name"], ring["location"]) == ("acme-gpu-platform-tfstate", "us")
    assert (key["name"], key["purpose"], key["rotation_period"]) == ("terraform-state", "ENCRYPT_DECRYPT", "7776000s")
    bucket = next(
        change for change in example[1]["resource_changes"] if change["address"] == f"{M}.google_storage_bucket.this"
    )
    assert bucket["change"]["after_unknown"]["encryption"] == [{"default_kms_key_name": True}]  # the created key's id


def test_the_storage_agent_may_use_the_key(resources: Resources) -> None:
    grant = resources[f"{M}.google_kms_crypto_key_iam_member.storage_agent[0]"]
    assert (grant["role"], grant["member"]) == (
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com",
    )


def test_old_versions_are_deleted_after_90_days_except_the_newest_ten(resources: Resources) -> None:
    (rule,) = resources[f"{M}.google_storage_bucket.this"]["lifecycle_rule"]
    (condition,) = rule["condition"]
    assert rule["action"] == [{"storage_class": None, "type": "Delete"}]
    assert {name: value for name, value in condition.items() if value is not None} == {
        "days_since_noncurrent_time": 90,
        "num_newer_versions": 11,  # the live version and the ten newest old ones
        "with_state": "ARCHIVED",
    }


def test_state_admins_get_object_access_only(resources: Resources) -> None:
    grants = {
        (after["bucket"], after["role"], after["member"])
        for address, after in resources.items()
        if address.startswith(f"{M}.google_storage_bucket_iam_member.")
    }
    assert grants == {
        (
            "acme-gpu-platform-tfstate",
            "roles/storage.objectUser",
            "serviceAccount:fleetform-deployer@acme-gpu-platform.iam.gserviceaccount.com",
        )
    }


def test_outputs_for_the_platform(example: Checked) -> None:
    assert sorted(example[1]["output_changes"]) == ["bucket_name", "fleetform_settings", "kms_key_name"]


def test_readme_documents_exactly_the_module_s_inputs_outputs_and_resources(example: Checked) -> None:
    readme = MODULES_DIR / "gcp-state" / "README.md"
    assert readme.read_text(encoding="utf-8") == expected_readme("gcp-state", example[1]), (
        "run: .venv/bin/python -m tests.modules.module_docs"
    )
