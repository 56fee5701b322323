# One network for every region fleetform serves on GCP: us-east4 ("us-east"), us-west1 ("us-west")
# and europe-west4 ("eu-west"). Paste `terraform output -raw fleetform_settings` into the platform
# repo's pyproject.toml.

provider "google" {
  project = "acme-gpu-platform"
}

module "network" {
  source = "../.."

  project_id = "acme-gpu-platform"
  name       = "acme-gpu"
  mtu        = 8896

  regions = {
    us-east4 = {
      ip_cidr_range            = "10.40.0.0/18"
      proxy_only_ip_cidr_range = "10.40.192.0/23"
    }
    us-west1 = {
      ip_cidr_range            = "10.41.0.0/18"
      proxy_only_ip_cidr_range = "10.41.192.0/23"
    }
    europe-west4 = {
      ip_cidr_range            = "10.42.0.0/18"
      proxy_only_ip_cidr_range = "10.42.192.0/23"
    }
  }

  runner_ports  = ["8079", "8080"]
  allow_iap_ssh = true
}
