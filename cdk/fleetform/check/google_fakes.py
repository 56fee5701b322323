"""The offline Google provider's fake project: project, region, self links and the data sources stacks read."""

from __future__ import annotations

import json
from typing import Any

from fleetform.check.data_sources import CloudFakes, Settings, known
from fleetform.check.fake_values import NamedString, digest
from fleetform.check.registry_images import image_digest, require_image

PROJECT_NUMBER = "123456789012"
COMPUTE_API = "https://www.googleapis.com/compute/v1"
ZONE_SUFFIXES = ("a", "b", "c")


def named_string(settings: Settings) -> NamedString:
    """Self links, emails and project fields shaped like Google's, in the configured project."""

    def named(name: str, hexdigest: str) -> str | None:
        if name == "self_link" or name.endswith("_self_link"):
            return f"{COMPUTE_API}/projects/{settings['project']}/global/fake/{hexdigest}"
        if name in ("email", "email_address") or name.endswith("_email"):
            return f"fake-{hexdigest[:12]}@{settings['project']}.iam.gserviceaccount.com"
        if name == "project":
            return settings["project"]
        if name == "region":
            return settings["region"]
        if name == "zone":
            return settings["zone"]
        return None

    return named


def client_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    project, region, zone = settings["project"], settings["region"], settings["zone"]
    return {
        "id": f"projects/{project}/regions/{region}/zones/{zone}",
        "project": project,
        "region": region,
        "zone": zone,
        "access_token": "fleetform-offline-access-token",
        "default_labels": {},
    }


def compute_image(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    project = known(config, "project", settings["project"])
    family = known(config, "family")
    name = known(config, "name", f"{family or 'image'}-v20250101")
    path = f"projects/{project}/global/images/{name}"
    return {
        "id": path,
        "name": name,
        "family": family or name.rsplit("-", 1)[0],
        "project": project,
        "self_link": f"{COMPUTE_API}/{path}",
        "image_id": str(int(digest(path, length=15), 16)),
        "status": "READY",
        "disk_size_gb": 10,
        "labels": {},
    }


def compute_zones(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    project = known(config, "project", settings["project"])
    region = known(config, "region", settings["region"])
    return {
        "id": f"projects/{project}/regions/{region}",
        "project": project,
        "names": [f"{region}-{suffix}" for suffix in ZONE_SUFFIXES],
    }


def project(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    project_id = known(config, "project_id", settings["project"])
    return {
        "id": f"projects/{project_id}",
        "project_id": project_id,
        "name": project_id,
        "number": PROJECT_NUMBER,
        "labels": {},
        "effective_labels": {},
        "terraform_labels": {},
        "tags": {},
        "auto_create_network": True,
        "deletion_policy": "PREVENT",
    }


def default_service_account(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    project_id = known(config, "project", settings["project"])
    email = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
    return {
        "id": f"projects/{project_id}/serviceAccounts/{email}",
        "project": project_id,
        "email": email,
        "member": f"serviceAccount:{email}",
        "name": f"projects/{project_id}/serviceAccounts/{email}",
        "display_name": "Compute Engine default service account",
        "unique_id": PROJECT_NUMBER + "0",
    }


def storage_service_account(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    email = f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {
        "id": email,
        "project": known(config, "project", settings["project"]),
        "email_address": email,
        "member": f"serviceAccount:{email}",
    }


def iam_policy(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    bindings = [
        {"members": sorted(binding["members"]), "role": binding["role"]}
        | ({"condition": _condition(binding["condition"][0])} if known(binding, "condition") else {})
        for binding in known(config, "binding", [])
    ]
    policy_data = json.dumps({"bindings": sorted(bindings, key=lambda binding: binding["role"])}, sort_keys=True)
    return {"id": str(int(digest(policy_data, length=8), 16)), "policy_data": policy_data}


def docker_image(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """An image of the offline registry (``fleetform.check.registry_images``): its pinned reference, or an error."""
    project = known(config, "project", settings["project"])
    location, repository = known(config, "location", ""), known(config, "repository_id", "")
    image_name = known(config, "image_name")
    if image_name is None or ":" not in image_name:
        return {}
    image, tag = image_name.split(":", 1)
    require_image(f"{repository}/{image}", tag, f"Artifact Registry repository {repository} in {location}")
    digest_value = image_digest(f"{repository}/{image}", tag)
    return {
        "project": project,
        "name": (f"projects/{project}/locations/{location}/repositories/{repository}/dockerImages/"
                 f"{image}@{digest_value}"),
        "self_link": f"{location}-docker.pkg.dev/{project}/{repository}/{image}@{digest_value}",
        "tags": [tag],
        "media_type": "application/vnd.oci.image.manifest.v1+json",
    }


def _condition(block: dict[str, Any]) -> dict[str, Any]:
    return {key: block[key] for key in ("description", "expression", "title") if known(block, key)}


def region_backend_service_id(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``projects/<p>/regions/<r>/backendServices/<name>``: the provider's ``id``, as a routes stack names it."""
    project, region = known(config, "project", settings["project"]), known(config, "region", settings["region"])
    return {"id": f"projects/{project}/regions/{region}/backendServices/{known(config, 'name')}"}


def dns_managed_zone(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A managed zone found by its name: its id as the provider spells it, a public zone with Cloud DNS's name servers.

    Its DNS name cannot be known offline: it is ``<name>.zone.invalid.`` (the reserved TLD for names
    that must not resolve), fully qualified as Cloud DNS returns it.
    """
    project, name = known(config, "project", settings["project"]), known(config, "name")
    shard = int(digest("dns-managed-zone", project, name, length=2), 16) % 32 + 1
    return {"id": f"projects/{project}/managedZones/{name}", "dns_name": f"{name}.zone.invalid.",
            "visibility": "public", "managed_zone_id": int(digest("dns-managed-zone-id", project, name, length=12), 16),
            "name_servers": [f"ns-cloud-{letter}{shard}.googledomains.com." for letter in "abcd"]}


GOOGLE = CloudFakes(
    defaults={"project": "fleetform-offline", "region": "us-central1", "zone": "us-central1-a"},
    named_string=named_string,
    readers={
        "google_artifact_registry_docker_image": docker_image,
        "google_client_config": client_config,
        "google_compute_default_service_account": default_service_account,
        "google_compute_image": compute_image,
        "google_compute_zones": compute_zones,
        "google_dns_managed_zone": dns_managed_zone,
        "google_iam_policy": iam_policy,
        "google_project": project,
        "google_storage_project_service_account": storage_service_account,
    },
    identities={"google_compute_region_backend_service": region_backend_service_id},
)
