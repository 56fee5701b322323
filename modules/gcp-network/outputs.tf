################################################################################
# Network
################################################################################

output "network" {
  description = "Self link of the VPC network (`network` of `[tool.fleetform.networks.gcp.<region>]`)."
  value       = google_compute_network.this.self_link
}

output "network_name" {
  description = "Name of the VPC network."
  value       = google_compute_network.this.name
}

output "network_id" {
  description = "ID of the VPC network (projects/<project>/global/networks/<name>)."
  value       = google_compute_network.this.id
}

################################################################################
# Subnetworks
################################################################################

output "subnetworks" {
  description = "Region -> self link of the runners' subnetwork (`subnetwork` of `[tool.fleetform.networks.gcp.<region>]`)."
  value       = { for region, subnetwork in google_compute_subnetwork.this : region => subnetwork.self_link }
}

output "subnetwork_names" {
  description = "Region -> name of the runners' subnetwork."
  value       = { for region, subnetwork in google_compute_subnetwork.this : region => subnetwork.name }
}

output "proxy_only_subnetworks" {
  description = "Region -> self link of the proxy-only subnetwork of regional Application Load Balancers."
  value       = { for region, subnetwork in google_compute_subnetwork.proxy_only : region => subnetwork.self_link }
}

################################################################################
# Cloud NAT
################################################################################

output "routers" {
  description = "Region -> name of the Cloud Router."
  value       = { for region, router in google_compute_router.this : region => router.name }
}

output "nats" {
  description = "Region -> name of the Cloud NAT gateway on that region's router."
  value       = { for region, nat in google_compute_router_nat.this : region => nat.name }
}

################################################################################
# Firewall
################################################################################

output "firewall_rules" {
  description = "Rule name suffix (`health-checks`, `proxy-only`, `iap-ssh`) -> self link of the firewall rule."
  value       = { for suffix, rule in google_compute_firewall.runner_ingress : suffix => rule.self_link }
}

output "runner_network_tags" {
  description = "Network tags the runner instances must carry for the firewall rules to apply."
  value       = var.runner_network_tags
}

################################################################################
# fleetform
################################################################################

output "fleetform_settings" {
  description = "TOML for the platform repo's pyproject.toml: one `[tool.fleetform.networks.gcp.<region>]` table per region (`terraform output -raw fleetform_settings`)."
  value = templatefile("${path.module}/templates/fleetform_settings.toml.tftpl", {
    network     = google_compute_network.this.self_link
    subnetworks = { for region, subnetwork in google_compute_subnetwork.this : region => subnetwork.self_link }
  })
}
