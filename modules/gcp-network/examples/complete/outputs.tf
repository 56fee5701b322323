output "network" {
  description = "Self link of the VPC network."
  value       = module.network.network
}

output "subnetworks" {
  description = "Region -> self link of the runners' subnetwork."
  value       = module.network.subnetworks
}

output "fleetform_settings" {
  description = "The [tool.fleetform.networks.gcp.<region>] tables for the platform repo's pyproject.toml."
  value       = module.network.fleetform_settings
}
