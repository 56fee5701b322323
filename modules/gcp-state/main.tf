locals {
  kms_key_name = var.create_kms_key ? one(google_kms_crypto_key.this[*].id) : var.kms_key_name
  # Whether new objects are encrypted with a customer-managed key (given or created).
  uses_cmek = var.create_kms_key || var.kms_key_name != null
}

################################################################################
# Encryption (optional customer-managed key)
################################################################################

resource "google_kms_key_ring" "this" {
  count = var.create_kms_key ? 1 : 0

  project  = var.project_id
  name     = var.bucket_name
  location = lower(var.location) # CMEK keys must be in the bucket's location
}

resource "google_kms_crypto_key" "this" {
  count = var.create_kms_key ? 1 : 0

  name            = "terraform-state"
  key_ring        = google_kms_key_ring.this[0].id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = var.kms_key_rotation_period
  labels          = var.labels

  lifecycle {
    prevent_destroy = true # destroying the key makes every state version unreadable
  }
}

data "google_storage_project_service_account" "this" {
  count = local.uses_cmek && var.grant_kms_key_to_storage_agent ? 1 : 0

  project = var.project_id
}

resource "google_kms_crypto_key_iam_member" "storage_agent" {
  count = local.uses_cmek && var.grant_kms_key_to_storage_agent ? 1 : 0

  crypto_key_id = local.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = data.google_storage_project_service_account.this[0].member
}

################################################################################
# Bucket
################################################################################

resource "google_storage_bucket" "this" {
  project                     = var.project_id
  name                        = var.bucket_name
  location                    = var.location
  storage_class               = "STANDARD"
  force_destroy               = var.force_destroy
  uniform_bucket_level_access = true       # IAM only, no object ACLs
  public_access_prevention    = "enforced" # never public, whatever IAM says
  labels                      = var.labels

  versioning {
    enabled = true
  }

  dynamic "encryption" {
    for_each = local.uses_cmek ? [local.kms_key_name] : []
    content {
      default_kms_key_name = encryption.value
    }
  }

  # Delete an old version once it is older than noncurrent_version_expiration_days *and* not one
  # of the noncurrent_versions_to_keep newest (num_newer_versions counts the live version too).
  lifecycle_rule {
    condition {
      with_state                 = "ARCHIVED"
      days_since_noncurrent_time = var.noncurrent_version_expiration_days
      num_newer_versions         = var.noncurrent_versions_to_keep + 1
    }
    action {
      type = "Delete"
    }
  }

  # The storage agent must be able to use the key before the bucket names it as default.
  depends_on = [google_kms_crypto_key_iam_member.storage_agent]
}

resource "google_storage_bucket_iam_member" "state_admins" {
  for_each = toset(var.state_admins)

  bucket = google_storage_bucket.this.name
  role   = "roles/storage.objectUser"
  member = each.key
}
