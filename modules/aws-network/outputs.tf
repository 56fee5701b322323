################################################################################
# VPC
################################################################################

output "vpc_id" {
  description = "ID of the VPC (`vpc_id` of `[tool.fleetform.networks.aws.<region>]`)."
  value       = aws_vpc.this.id
}

output "vpc_arn" {
  description = "ARN of the VPC."
  value       = aws_vpc.this.arn
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "region" {
  description = "Region the VPC is in (the provider's region)."
  value       = local.region
}

################################################################################
# Subnets
################################################################################

output "private_subnets" {
  description = "AZ ID -> private subnet ID (`private_subnets` of `[tool.fleetform.networks.aws.<region>]`: where runners run)."
  value       = { for az_id, subnet in aws_subnet.private : az_id => subnet.id }
}

output "public_subnets" {
  description = "AZ ID -> public subnet ID (`public_subnets` of `[tool.fleetform.networks.aws.<region>]`: internet-facing load balancers)."
  value       = { for az_id, subnet in aws_subnet.public : az_id => subnet.id }
}

output "private_subnet_cidr_blocks" {
  description = "AZ ID -> CIDR block of the private subnet."
  value       = local.private_subnet_cidrs
}

output "public_subnet_cidr_blocks" {
  description = "AZ ID -> CIDR block of the public subnet."
  value       = local.public_subnet_cidrs
}

output "private_route_table_ids" {
  description = "AZ ID -> ID of the private subnet's route table (add routes to peered networks here)."
  value       = { for az_id, table in aws_route_table.private : az_id => table.id }
}

output "public_route_table_id" {
  description = "ID of the public subnets' route table."
  value       = aws_route_table.public.id
}

################################################################################
# NAT gateways
################################################################################

output "nat_gateway_ids" {
  description = "AZ ID -> ID of the NAT gateway in that AZ's public subnet (empty when nat_gateways = \"none\")."
  value       = { for az_id, gateway in aws_nat_gateway.this : az_id => gateway.id }
}

output "nat_public_ips" {
  description = "Public IPv4 addresses the private subnets' internet traffic leaves from (for allow-lists elsewhere)."
  value       = [for az_id in sort(keys(aws_eip.nat)) : aws_eip.nat[az_id].public_ip]
}

################################################################################
# VPC endpoints
################################################################################

output "s3_endpoint_id" {
  description = "ID of the S3 gateway endpoint on the private route tables."
  value       = aws_vpc_endpoint.s3.id
}

output "s3_endpoint_prefix_list_id" {
  description = "Prefix list ID of S3 in this region (for security group egress rules)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "interface_endpoint_ids" {
  description = "Service name (`ecr.api`) -> ID of its interface endpoint."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}

output "interface_endpoints_security_group_id" {
  description = "ID of the security group on the interface endpoints (HTTPS from the VPC), or null when there are none."
  value       = one(aws_security_group.endpoints[*].id)
}

################################################################################
# Flow logs
################################################################################

output "flow_log_id" {
  description = "ID of the VPC flow log."
  value       = aws_flow_log.this.id
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch Logs group holding the flow log."
  value       = aws_cloudwatch_log_group.flow_log.name
}

output "flow_log_kms_key_arn" {
  description = "ARN of the KMS key encrypting the flow log group (created or given)."
  value       = local.flow_log_kms_key
}

output "flow_log_role_arn" {
  description = "ARN of the IAM role VPC Flow Logs uses to publish."
  value       = aws_iam_role.flow_log.arn
}

################################################################################
# fleetform
################################################################################

output "fleetform_settings" {
  description = "TOML for the platform repo's pyproject.toml: this region's `[tool.fleetform.networks.aws.<region>]` table (`terraform output -raw fleetform_settings`)."
  value = templatefile("${path.module}/templates/fleetform_settings.toml.tftpl", {
    region          = local.region
    vpc_id          = aws_vpc.this.id
    private_subnets = { for az_id, subnet in aws_subnet.private : az_id => subnet.id }
    public_subnets  = { for az_id, subnet in aws_subnet.public : az_id => subnet.id }
  })
}
