################################################################################
# Network
################################################################################

variable "project_id" {
  description = "ID of the project the network is created in."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits and '-', starting with a letter), not a project name or number."
  }
}

variable "name" {
  description = "Name of the VPC network; subnetworks, routers, NATs and firewall rules are named after it."
  type        = string
  default     = "fleetform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}[a-z0-9]$", var.name))
    error_message = "name must be 2-31 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-' (it prefixes names GCP limits to 63 characters)."
  }
}

variable "routing_mode" {
  description = "Network-wide routing mode of Cloud Routers: REGIONAL (routes learned in a region stay there) or GLOBAL."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "GLOBAL"], var.routing_mode)
    error_message = "routing_mode must be REGIONAL or GLOBAL."
  }
}

variable "mtu" {
  description = "Maximum transmission unit of the network in bytes, 1300 to 8896. Larger frames speed up bulk transfers such as model weights between instances."
  type        = number
  default     = 1460

  validation {
    condition     = var.mtu >= 1300 && var.mtu <= 8896
    error_message = "mtu must be between 1300 and 8896."
  }
}

################################################################################
# Subnetworks
################################################################################

variable "regions" {
  description = "GCP region -> the runners' subnetwork range (`ip_cidr_range`) and the range of the region's proxy-only subnetwork (`proxy_only_ip_cidr_range`, a /23 or larger is recommended) used by regional Application Load Balancers."
  type = map(object({
    ip_cidr_range            = string
    proxy_only_ip_cidr_range = string
  }))

  validation {
    condition     = length(var.regions) >= 1
    error_message = "regions needs at least one region."
  }

  validation {
    condition     = alltrue([for region in keys(var.regions) : can(regex("^[a-z]+-[a-z]+[0-9]+$", region))])
    error_message = "regions must be keyed by GCP region names like us-central1 or europe-west4 (not zones like us-central1-a)."
  }

  validation {
    condition = alltrue(flatten([
      for ranges in values(var.regions) : [can(cidrhost(ranges.ip_cidr_range, 0)), can(cidrhost(ranges.proxy_only_ip_cidr_range, 0))]
    ]))
    error_message = "regions.*.ip_cidr_range and regions.*.proxy_only_ip_cidr_range must be IPv4 CIDR blocks."
  }

  validation {
    condition     = alltrue([for ranges in values(var.regions) : tonumber(split("/", ranges.proxy_only_ip_cidr_range)[1]) <= 26])
    error_message = "regions.*.proxy_only_ip_cidr_range must be a /26 or larger (Google recommends /23): each load balancer proxy takes an address from it."
  }
}

variable "flow_log_aggregation_interval" {
  description = "Interval over which the subnetworks' VPC flow logs aggregate a connection into one record: INTERVAL_5_SEC, INTERVAL_30_SEC, INTERVAL_1_MIN, INTERVAL_5_MIN, INTERVAL_10_MIN or INTERVAL_15_MIN."
  type        = string
  default     = "INTERVAL_5_SEC"

  validation {
    condition     = contains(["INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN", "INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN"], var.flow_log_aggregation_interval)
    error_message = "flow_log_aggregation_interval must be one of INTERVAL_5_SEC, INTERVAL_30_SEC, INTERVAL_1_MIN, INTERVAL_5_MIN, INTERVAL_10_MIN, INTERVAL_15_MIN."
  }
}

variable "flow_log_sampling" {
  description = "Fraction of the subnetworks' flows that VPC flow logs record, above 0 and at most 1."
  type        = number
  default     = 0.5

  validation {
    condition     = var.flow_log_sampling > 0 && var.flow_log_sampling <= 1
    error_message = "flow_log_sampling must be above 0 and at most 1 (to turn flow logs off, fork the module: they are on by design)."
  }
}

variable "flow_log_metadata" {
  description = "Metadata added to flow log records: INCLUDE_ALL_METADATA or EXCLUDE_ALL_METADATA."
  type        = string
  default     = "INCLUDE_ALL_METADATA"

  validation {
    condition     = contains(["INCLUDE_ALL_METADATA", "EXCLUDE_ALL_METADATA"], var.flow_log_metadata)
    error_message = "flow_log_metadata must be INCLUDE_ALL_METADATA or EXCLUDE_ALL_METADATA."
  }
}

################################################################################
# Cloud NAT
################################################################################

variable "nat_min_ports_per_vm" {
  description = "Source ports Cloud NAT reserves per runner VM (64 to 65536, a power of two); dynamic port allocation grows it up to 16 times under load."
  type        = number
  default     = 64

  validation {
    condition     = contains([for exponent in range(6, 17) : pow(2, exponent)], var.nat_min_ports_per_vm)
    error_message = "nat_min_ports_per_vm must be a power of two from 64 to 65536."
  }
}

variable "nat_log_filter" {
  description = "Which Cloud NAT events are logged: ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  type        = string
  default     = "ERRORS_ONLY"

  validation {
    condition     = contains(["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"], var.nat_log_filter)
    error_message = "nat_log_filter must be ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  }
}

################################################################################
# Firewall
################################################################################

variable "runner_network_tags" {
  description = "Network tags of the runner instances; the firewall rules apply to instances carrying any of them."
  type        = list(string)
  default     = ["fleetform-runner"]

  validation {
    condition     = length(var.runner_network_tags) >= 1 && alltrue([for tag in var.runner_network_tags : can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", tag))])
    error_message = "runner_network_tags must be one or more network tags (lowercase letters, digits and '-', at most 63 characters): without one the rules would apply to every instance."
  }
}

variable "runner_ports" {
  description = "TCP ports (\"8080\") or ranges (\"8079-8080\") the runners serve on: the app port (fal's default 8080) and the runner agent's health port 8079. Only health checkers and the load balancers' proxies may reach them."
  type        = list(string)
  default     = ["8079", "8080"]

  validation {
    condition     = length(var.runner_ports) >= 1 && alltrue([for port in var.runner_ports : can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", port))])
    error_message = "runner_ports must be one or more TCP ports like \"8080\" or ranges like \"8000-8100\"."
  }
}

variable "allow_iap_ssh" {
  description = "Allow SSH to the runners from Identity-Aware Proxy's TCP forwarding range (35.235.240.0/20) only, for `gcloud compute ssh --tunnel-through-iap`. SSH from the internet is never opened."
  type        = bool
  default     = false
}

variable "firewall_logging" {
  description = "Log every connection the module's firewall rules allow (Firewall Rules Logging; billed as Cloud Logging ingestion)."
  type        = bool
  default     = false
}
