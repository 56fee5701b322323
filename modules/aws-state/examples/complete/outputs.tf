output "bucket_name" {
  description = "Name of the state bucket."
  value       = module.state.bucket_name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the state."
  value       = module.state.kms_key_arn
}

output "fleetform_settings" {
  description = "The [tool.fleetform.state] table for the platform repo's pyproject.toml."
  value       = module.state.fleetform_settings
}
