################################################################################
# Bucket
################################################################################

variable "bucket_name" {
  description = "Name of the S3 bucket holding Terraform state. Bucket names are global across all AWS accounts; include the account or organisation to keep it unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name)) && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias")
    error_message = "bucket_name must be 3-63 lowercase letters, digits and '-', starting and ending with a letter or digit, and not start with xn-- or end with -s3alias. Dots are refused: they break TLS for virtual-hosted bucket addresses."
  }
}

variable "state_prefix" {
  description = "Key prefix under which fleetform keeps its stacks' state (`<prefix>/<stack>.tfstate`); also limits the access policy in `state_access_policy_json`."
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

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

################################################################################
# Encryption
################################################################################

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state (SSE-KMS) and the lock table. Null creates a key with automatic rotation and the alias `alias/<bucket_name>`."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not a key id or alias: the S3 backend's kms_key_id and the access policy need the ARN."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Days a created KMS key waits in PendingDeletion before it is deleted (7-30); losing the key loses the state."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

################################################################################
# Old versions
################################################################################

variable "noncurrent_version_expiration_days" {
  description = "Days after a state file is overwritten or deleted before its old version may expire."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "Old versions of each state file kept however old they are (0-100), so a rarely changed stack can always be rolled back."
  type        = number
  default     = 10

  validation {
    condition     = var.noncurrent_versions_to_keep >= 0 && var.noncurrent_versions_to_keep <= 100 && floor(var.noncurrent_versions_to_keep) == var.noncurrent_versions_to_keep
    error_message = "noncurrent_versions_to_keep must be a whole number from 0 to 100."
  }
}

################################################################################
# Lock table
################################################################################

variable "create_dynamodb_lock_table" {
  description = "Also create a DynamoDB lock table for Terraform older than 1.10 or a migration period. Terraform 1.10+ locks with a lock file in the bucket (`use_lockfile`), which needs no table."
  type        = bool
  default     = false
}

variable "dynamodb_table_name" {
  description = "Name of the DynamoDB lock table. Null names it `<bucket_name>-lock`."
  type        = string
  default     = null

  validation {
    condition     = var.dynamodb_table_name == null || var.create_dynamodb_lock_table
    error_message = "dynamodb_table_name is only used with create_dynamodb_lock_table = true."
  }

  validation {
    condition     = var.dynamodb_table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.dynamodb_table_name))
    error_message = "dynamodb_table_name must be 3-255 letters, digits, '_', '.' and '-'."
  }
}
