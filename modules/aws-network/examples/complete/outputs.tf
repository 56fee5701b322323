output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "private_subnets" {
  description = "AZ ID -> private subnet ID."
  value       = module.network.private_subnets
}

output "public_subnets" {
  description = "AZ ID -> public subnet ID."
  value       = module.network.public_subnets
}

output "nat_public_ips" {
  description = "Public IPv4 addresses of the NAT gateways."
  value       = module.network.nat_public_ips
}

output "fleetform_settings" {
  description = "The [tool.fleetform.networks.aws.us-east-1] table for the platform repo's pyproject.toml."
  value       = module.network.fleetform_settings
}
