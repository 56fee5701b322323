################################################################################
# Bucket
################################################################################

variable "project_id" {
  description = "ID of the project the bucket (and a created key) live in."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits and '-', starting with a letter), not a project name or number."
  }
}

variable "bucket_name" {
  description = "Name of the GCS bucket holding Terraform state. Bucket names are global; include the organisation or project to keep it unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name)) && !startswith(var.bucket_name, "goog")
    error_message = "bucket_name must be 3-63 lowercase letters, digits, '-' and '_', starting and ending with a letter or digit, and not start with goog. Dots are refused: they need domain verification."
  }
}

variable "location" {
  description = "Where the bucket stores data: a region (`us-east4`), a dual-region (`NAM4`) or a multi-region (`US`). A created key is made in the same location, as CMEK requires."
  type        = string

  validation {
    condition     = can(regex("^([A-Za-z]+[0-9]*|[a-z]+-[a-z]+[0-9]+)$", var.location))
    error_message = "location must be a GCS location such as US, EU, NAM4 or us-east4."
  }
}

variable "state_prefix" {
  description = "Object prefix under which fleetform keeps its stacks' state (`<prefix>/<stack>/default.tfstate`)."
  type        = string
  default     = "fleetform"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)*$", var.state_prefix))
    error_message = "state_prefix must be path segments of letters, digits, '_', '.' and '-' separated by '/', without a leading or trailing '/'."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket while it still holds state (every version). Leave false outside of experiments."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels added to the bucket and a created key."
  type        = map(string)
  default     = {}
}

variable "state_admins" {
  description = "IAM members (`serviceAccount:deployer@acme.iam.gserviceaccount.com`, `group:platform@acme.com`) granted roles/storage.objectUser on the bucket: read, write and delete state and lock files, nothing else."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for member in var.state_admins : can(regex("^(user|serviceAccount|group|domain|principal|principalSet):.+", member))])
    error_message = "state_admins must be IAM members like serviceAccount:<email>, group:<email>, user:<email> or domain:<domain> (allUsers and allAuthenticatedUsers are refused)."
  }
}

################################################################################
# Encryption
################################################################################

variable "kms_key_name" {
  description = "Customer-managed key (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>, same location as the bucket) that encrypts new state objects. Null uses Google-managed encryption unless create_kms_key is true."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a key's resource name: projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>."
  }

  validation {
    condition     = var.kms_key_name == null || !var.create_kms_key
    error_message = "Set kms_key_name (use this key) or create_kms_key (create one), not both."
  }
}

variable "create_kms_key" {
  description = "Create a key ring and a customer-managed key (rotated every kms_key_rotation_period) in the bucket's location for the state."
  type        = bool
  default     = false
}

variable "kms_key_rotation_period" {
  description = "Rotation period of a created key, in seconds with an `s` suffix (at least one day: `86400s`)."
  type        = string
  default     = "7776000s" # 90 days

  validation {
    condition     = can(regex("^[0-9]+s$", var.kms_key_rotation_period)) && try(tonumber(trimsuffix(var.kms_key_rotation_period, "s")) >= 86400, false)
    error_message = "kms_key_rotation_period must be seconds with an s suffix, at least 86400s (one day)."
  }
}

variable "grant_kms_key_to_storage_agent" {
  description = "Grant the project's Cloud Storage service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key, which CMEK needs. Turn off when the key's owners grant it themselves."
  type        = bool
  default     = true
}

################################################################################
# Old versions
################################################################################

variable "noncurrent_version_expiration_days" {
  description = "Days after a state object is overwritten or deleted before its old version may be deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "Old versions of each state object kept however old they are, so a rarely changed stack can always be rolled back."
  type        = number
  default     = 10

  validation {
    condition     = var.noncurrent_versions_to_keep >= 0 && floor(var.noncurrent_versions_to_keep) == var.noncurrent_versions_to_keep
    error_message = "noncurrent_versions_to_keep must be a whole number, at least 0."
  }
}
