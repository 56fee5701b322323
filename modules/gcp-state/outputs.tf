################################################################################
# Bucket
################################################################################

output "bucket_name" {
  description = "Name of the state bucket (`bucket` of `[tool.fleetform.state]`)."
  value       = google_storage_bucket.this.name
}

output "bucket_url" {
  description = "gs:// URL of the state bucket."
  value       = google_storage_bucket.this.url
}

output "state_prefix" {
  description = "Object prefix of fleetform's state (`prefix` of `[tool.fleetform.state]`)."
  value       = var.state_prefix
}

################################################################################
# Encryption
################################################################################

output "kms_key_name" {
  description = "Resource name of the customer-managed key encrypting new state objects (given or created), or null with Google-managed encryption."
  value       = local.uses_cmek ? local.kms_key_name : null
}

################################################################################
# fleetform
################################################################################

output "fleetform_settings" {
  description = "TOML for the platform repo's pyproject.toml: the `[tool.fleetform.state]` table (`terraform output -raw fleetform_settings`)."
  value = templatefile("${path.module}/templates/fleetform_settings.toml.tftpl", {
    bucket = google_storage_bucket.this.name
    prefix = var.state_prefix
  })
}
