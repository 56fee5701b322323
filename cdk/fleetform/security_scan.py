"""Security scan of synthesized stacks with checkov, and the findings fleetform accepts, each with its reason.

checkov runs over every ``cdk.tf.json``; each failed check is tied back to the construct that made
the resource (cdktf records the construct path in the JSON). A finding is accepted only when
:data:`ACCEPTED_FINDINGS` names its check for that construct and says why; everything else must be
fixed in the constructs. checkov lives in its own virtualenv (its pins clash with fleetform's), found
through ``FLEETFORM_CHECKOV``, ``.venv-checkov/bin/checkov`` below the working directory, or PATH.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fleetform.check.stacks import find_stack_files
from fleetform.errors import FleetformError


@dataclass(frozen=True)
class AcceptedFinding:
    """A checkov check fleetform fails on purpose for constructs matching ``construct``.

    ``construct`` is an ``fnmatch`` pattern of the construct path below the stack (``*`` also matches ``/``).
    """

    check_id: str
    construct: str
    reason: str


ACCEPTED_FINDINGS: tuple[AcceptedFinding, ...] = (
    AcceptedFinding("CKV_AWS_111", "region/*/Identity/PolicyDocument",
                    "the runner role's only `*` resources are actions without resource-level permissions: "
                    "ecr:GetAuthorizationToken, cloudwatch:PutMetricData (limited by the cloudwatch:namespace "
                    "condition) and Session Manager's ssmmessages channels"),
    AcceptedFinding("CKV_AWS_356", "region/*/Identity/PolicyDocument",
                    "same statements as CKV_AWS_111: those actions cannot name a resource"),
    AcceptedFinding("CKV_AWS_109", "region/PrivateLogsKey/KeyPolicy",
                    "a KMS key policy's `*` resource means the key itself; the account root statement is what "
                    "keeps the key manageable (AWS's default key policy)"),
    AcceptedFinding("CKV_AWS_111", "region/PrivateLogsKey/KeyPolicy", "key policy: `*` is the key itself"),
    AcceptedFinding("CKV_AWS_356", "region/PrivateLogsKey/KeyPolicy", "key policy: `*` is the key itself"),
    AcceptedFinding("CKV_AWS_338", "region/*/LogGroup",
                    "app logs keep 30 days like fal's; a platform that must keep them a year exports them"),
    AcceptedFinding("CKV_AWS_158", "region/*/LogGroup",
                    "CloudWatch Logs encrypts every group at rest; the customer key is used where it restricts "
                    "who reads (private_logs apps), not for team-readable logs"),
    AcceptedFinding("CKV_AWS_150", "region/*LoadBalancer/LoadBalancer",
                    "fleetform removes a load balancer when its last app leaves; deletion protection would make "
                    "that apply fail (a review flags the removal instead)"),
    AcceptedFinding("CKV_AWS_91", "region/*LoadBalancer/LoadBalancer",
                    "not yet: ALB access logs need a log bucket with the ELB delivery policy per region; target "
                    "health and request metrics are on"),
    AcceptedFinding("CKV2_AWS_28", "region/PublicLoadBalancer/LoadBalancer",
                    "not yet: fleetform creates no WAF web ACL; a platform associates its own"),
    AcceptedFinding("CKV_AWS_378", "region/*/Route/TargetGroup",
                    "TLS ends at the load balancer; runners sit in private subnets and take traffic only from the "
                    "load balancer's security group (the app containers serve plain HTTP, as on fal)"),
    AcceptedFinding("CKV_AWS_184", "region/DataVolume/FileSystem",
                    "the /data volume is encrypted with the AWS-managed EFS key; access is limited by its "
                    "security group to the runners that mount it"),
    AcceptedFinding("CKV_AWS_149", "shared/Secrets/*",
                    "secrets use the AWS-managed key: a customer key would need multi-Region replica keys in "
                    "every region the secret is replicated to"),
    AcceptedFinding("CKV2_AWS_57", "shared/Secrets/*",
                    "values are third-party tokens (Hugging Face, registries) set outside Terraform; Secrets "
                    "Manager cannot rotate them"),
    AcceptedFinding("CKV_AWS_316", "shared/Build/Project",
                    "BuildKit builds run Docker inside the build container, which CodeBuild allows only privileged; "
                    "the project builds only contexts fleetform uploads, with a role that can push to the "
                    "platform's repositories and nothing else"),
    AcceptedFinding("CKV_AWS_18", "shared/Build/Contexts/Bucket",
                    "build contexts are transient inputs (expired after a week) written only by `fleetform build`; "
                    "the builds that read them are logged in CloudWatch and CloudTrail"),
    AcceptedFinding("CKV_AWS_21", "shared/Build/Contexts/Bucket",
                    "objects are content-addressed (key = sha256 of the tarball) and never overwritten, so "
                    "versions would only keep expired contexts"),
    AcceptedFinding("CKV_AWS_144", "shared/Build/Contexts/Bucket",
                    "a context is rebuilt from the app's source on demand; builds run in the home region only"),
    AcceptedFinding("CKV2_AWS_62", "shared/Build/Contexts/Bucket",
                    "nothing reacts to an upload: `fleetform build` starts the build itself right after it"),
    AcceptedFinding("CKV_AWS_158", "shared/Build/Logs",
                    "CloudWatch Logs encrypts every group at rest; build logs hold no secret values (BuildKit "
                    "mounts secrets, CodeBuild masks secrets-manager variables)"),
    AcceptedFinding("CKV_AWS_338", "shared/Build/Logs",
                    "build logs serve debugging a build; 30 days, like the app logs"),
    AcceptedFinding("CKV_GCP_62", "shared/Build/Contexts",
                    "build contexts are transient inputs (deleted after a week) written only by `fleetform build`; "
                    "Cloud Audit Logs record who wrote and the builds that read them"),
    AcceptedFinding("CKV_GCP_78", "shared/Build/Contexts",
                    "objects are content-addressed (name = sha256 of the tarball) and never overwritten, so "
                    "versions would only keep deleted contexts"),
    AcceptedFinding("CKV_GCP_84", "shared/Registry/*",
                    "images are encrypted with Google-managed keys; they hold no secrets (build secrets are mounted, "
                    "never layered)"),
)


@dataclass(frozen=True)
class Finding:
    check_id: str
    check_name: str
    stack: str
    construct: str
    """Construct path below the stack, e.g. ``region/captioner/LogGroup``."""

    def render(self) -> str:
        return f"{self.check_id} {self.stack}/{self.construct}: {self.check_name}"

    def accepted_by(self) -> AcceptedFinding | None:
        return next((accepted for accepted in ACCEPTED_FINDINGS if accepted.check_id == self.check_id
                     and fnmatch.fnmatchcase(self.construct, accepted.construct)), None)


def scan_stacks(out_dir: Path, *, checkov: str | None = None) -> list[Finding]:
    """Every failed checkov check of the stacks under ``out_dir``, sorted."""
    files = find_stack_files(out_dir)
    command = [_checkov(checkov), "--framework", "terraform_json", "--output", "json", "--quiet", "--compact",
               "--skip-download", *[arg for file in files for arg in ("--file", str(file))]]
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    try:
        reports = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise FleetformError.single("scan/checkov-failed", command[0],
                                    f"checkov did not report: {result.stderr[-500:]}") from None
    paths = {file.parent.name: _construct_paths(file) for file in files}
    findings = []
    for report in reports if isinstance(reports, list) else [reports]:
        for failed in report.get("results", {}).get("failed_checks", []):
            stack = Path(failed["file_path"]).parent.name
            logical_id = failed["resource"].split(".")[-1]
            findings.append(Finding(failed["check_id"], failed["check_name"], stack,
                                    paths[stack].get(logical_id, logical_id)))
    return sorted(set(findings), key=lambda f: (f.stack, f.construct, f.check_id))


def _construct_paths(stack_file: Path) -> dict[str, str]:
    """Logical id -> construct path below the stack, for every resource and data source."""
    config = json.loads(stack_file.read_text(encoding="utf-8"))
    paths = {}
    for kind in ("resource", "data"):
        for blocks in config.get(kind, {}).values():
            for logical_id, body in blocks.items():
                path = body.get("//", {}).get("metadata", {}).get("path", logical_id)
                paths[logical_id] = path.split(f"{stack_file.parent.name}/", 1)[-1]
    return paths


def _checkov(explicit: str | None) -> str:
    for candidate in (explicit, os.environ.get("FLEETFORM_CHECKOV"), ".venv-checkov/bin/checkov",
                      shutil.which("checkov")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise FleetformError.single(
        "scan/no-checkov", "checkov", "checkov is not installed",
        fix="run scripts/bootstrap (it installs checkov into .venv-checkov) or set FLEETFORM_CHECKOV")
