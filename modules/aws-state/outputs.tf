################################################################################
# Bucket
################################################################################

output "bucket_name" {
  description = "Name of the state bucket (`bucket` of `[tool.fleetform.state]`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.this.arn
}

output "region" {
  description = "Region of the state bucket (`region` of `[tool.fleetform.state]`)."
  value       = data.aws_region.current.region
}

output "state_prefix" {
  description = "Key prefix of fleetform's state (`prefix` of `[tool.fleetform.state]`)."
  value       = var.state_prefix
}

################################################################################
# Encryption
################################################################################

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the state (`kms_key_id` of `[tool.fleetform.state]`)."
  value       = local.kms_key_arn
}

################################################################################
# Lock table
################################################################################

output "dynamodb_table_name" {
  description = "Name of the DynamoDB lock table (`dynamodb_table` of `[tool.fleetform.state]`), or null when none was created."
  value       = one(aws_dynamodb_table.lock[*].name)
}

################################################################################
# Access
################################################################################

output "state_access_policy_json" {
  description = "IAM policy (JSON) for the roles that run Terraform: list the bucket, read and write state under the prefix, release lock files, use the key and the lock table. Attach it with aws_iam_role_policy."
  value       = data.aws_iam_policy_document.state_access.json
}

################################################################################
# fleetform
################################################################################

output "fleetform_settings" {
  description = "TOML for the platform repo's pyproject.toml: the `[tool.fleetform.state]` table (`terraform output -raw fleetform_settings`)."
  value = templatefile("${path.module}/templates/fleetform_settings.toml.tftpl", {
    bucket         = aws_s3_bucket.this.id
    prefix         = var.state_prefix
    region         = data.aws_region.current.region
    kms_key_id     = local.kms_key_arn
    dynamodb_table = one(aws_dynamodb_table.lock[*].name)
  })
}
