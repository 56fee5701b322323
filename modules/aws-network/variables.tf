################################################################################
# VPC
################################################################################

variable "name" {
  description = "Prefix of every resource name and Name tag (e.g. the `[tool.fleetform] name`)."
  type        = string
  default     = "fleetform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name))
    error_message = "name must be 1-32 characters of lowercase letters, digits and '-', starting with a letter (it prefixes IAM role and log group names)."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the VPC, /16 to /22. Subnets are carved from it by AZ number unless given in private_subnet_cidrs / public_subnet_cidrs."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-2])$", var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR block with a prefix length from /16 to /22 (for example 10.0.0.0/16); AWS allows /16 to /28, and each AZ's default public subnet is 1/64 of the VPC, which must stay at least a /28."
  }
}

variable "tags" {
  description = "Tags added to every resource (merged under each resource's Name tag)."
  type        = map(string)
  default     = {}
}

################################################################################
# Subnets
################################################################################

variable "availability_zone_ids" {
  description = "AZ IDs (not names: `use1-az4`, which is the same physical zone in every account) to place one private and one public subnet in. Order does not matter."
  type        = list(string)

  validation {
    condition     = length(var.availability_zone_ids) >= 1
    error_message = "availability_zone_ids needs at least one AZ ID (two or more for availability-zone failure tolerance)."
  }

  validation {
    condition     = alltrue([for az_id in var.availability_zone_ids : can(regex("^[a-z]{2,5}[0-9]-az[1-7]$", az_id))])
    error_message = "availability_zone_ids must be AZ IDs like use1-az4, numbered az1 to az7 (AZ names such as us-east-1a map to different zones in different accounts; `aws ec2 describe-availability-zones` lists both). Local Zone and Wavelength Zone IDs are not supported."
  }

  validation {
    condition     = length(distinct([for az_id in var.availability_zone_ids : split("-", az_id)[0]])) <= 1
    error_message = "availability_zone_ids must all belong to one region (one AZ ID prefix, like use1)."
  }

  validation {
    condition     = length(distinct(var.availability_zone_ids)) == length(var.availability_zone_ids)
    error_message = "availability_zone_ids must not repeat an AZ ID."
  }
}

variable "private_subnet_cidrs" {
  description = "AZ ID -> CIDR block of that AZ's private (runner) subnet. An AZ left out gets the eighth of cidr_block numbered after its AZ number (az1 -> the first eighth; a /19 of a /16)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for az_id in keys(var.private_subnet_cidrs) : contains(var.availability_zone_ids, az_id)])
    error_message = "private_subnet_cidrs may only name AZ IDs listed in availability_zone_ids."
  }

  validation {
    condition     = alltrue([for cidr in values(var.private_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "private_subnet_cidrs values must be IPv4 CIDR blocks."
  }
}

variable "public_subnet_cidrs" {
  description = "AZ ID -> CIDR block of that AZ's public (load balancer, NAT gateway) subnet. An AZ left out gets the eighth of cidr_block's last eighth numbered after its AZ number (a /22 of a /16)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for az_id in keys(var.public_subnet_cidrs) : contains(var.availability_zone_ids, az_id)])
    error_message = "public_subnet_cidrs may only name AZ IDs listed in availability_zone_ids."
  }

  validation {
    condition     = alltrue([for cidr in values(var.public_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "public_subnet_cidrs values must be IPv4 CIDR blocks."
  }
}

variable "manage_default_security_group" {
  description = "Take over the VPC's default security group and remove all its rules, so nothing that falls back to it gets network access (CIS AWS Foundations 5.4)."
  type        = bool
  default     = true
}

################################################################################
# NAT gateways
################################################################################

variable "nat_gateways" {
  description = "Outbound internet for the private subnets: `one_per_az` (an AZ outage cannot cut the others off), `single` (one NAT gateway in the first AZ ID, cheaper, and cross-AZ traffic is billed), or `none` (route egress yourself, e.g. through a transit gateway)."
  type        = string
  default     = "one_per_az"

  validation {
    condition     = contains(["one_per_az", "single", "none"], var.nat_gateways)
    error_message = "nat_gateways must be one of: one_per_az, single, none."
  }
}

################################################################################
# VPC endpoints
################################################################################

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints in the private subnets, by the last part of the service name (`ecr.api`, `ecr.dkr`, `logs`, `sts`, `secretsmanager`, `ssm`...). Each costs an hourly fee per AZ. The S3 gateway endpoint (image layers) is always created."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for service in var.interface_endpoints : can(regex("^[a-z0-9][a-z0-9.-]*$", service))])
    error_message = "interface_endpoints must be service names like ecr.api or secretsmanager (the part after com.amazonaws.<region>.)."
  }

  validation {
    condition     = !contains(var.interface_endpoints, "s3")
    error_message = "interface_endpoints must not list s3: the module always creates the free S3 gateway endpoint."
  }
}

################################################################################
# Flow logs
################################################################################

variable "flow_log_traffic_type" {
  description = "Which traffic the VPC flow log records: ALL, ACCEPT or REJECT."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be one of: ALL, ACCEPT, REJECT."
  }
}

variable "flow_log_max_aggregation_interval" {
  description = "Seconds over which a flow is aggregated into one record: 60 or 600."
  type        = number
  default     = 60

  validation {
    condition     = contains([60, 600], var.flow_log_max_aggregation_interval)
    error_message = "flow_log_max_aggregation_interval must be 60 or 600."
  }
}

variable "flow_log_retention_in_days" {
  description = "Days CloudWatch Logs keeps flow log records (0 keeps them forever)."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_in_days)
    error_message = "flow_log_retention_in_days must be a value CloudWatch Logs accepts: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "flow_log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the flow log group; its key policy must let logs.<region>.amazonaws.com use it. Null creates a key (with rotation) for it."
  type        = string
  default     = null

  validation {
    condition     = var.flow_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.flow_log_kms_key_arn))
    error_message = "flow_log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not a key id or alias."
  }
}
