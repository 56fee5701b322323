# The state bucket of the platform, applied once with local state; afterwards the platform's
# stacks keep their state in it. Paste `terraform output -raw fleetform_settings` into the
# platform repo's pyproject.toml.

provider "google" {
  project = "acme-gpu-platform"
}

module "state" {
  source = "../.."

  project_id  = "acme-gpu-platform"
  bucket_name = "acme-gpu-platform-tfstate"
  location    = "US"

  # A key of the platform's own, rotated every 90 days; the storage agent is granted its use.
  create_kms_key = true

  state_admins = ["serviceAccount:fleetform-deployer@acme-gpu-platform.iam.gserviceaccount.com"]

  labels = { cost-center = "ml-platform" }
}
