locals {
  # Inbound rules for the runners, by name suffix. Nothing else may reach them: the network's
  # implied rule denies all other ingress, so no rule opens anything to 0.0.0.0/0.
  runner_ingress = merge(
    {
      health-checks = {
        description   = "Google health checkers to the runners' ports"
        source_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
        ports         = var.runner_ports
      }
      proxy-only = {
        description   = "Regional Application Load Balancer proxies to the runners' ports"
        source_ranges = sort([for ranges in values(var.regions) : ranges.proxy_only_ip_cidr_range])
        ports         = var.runner_ports
      }
    },
    var.allow_iap_ssh ? {
      iap-ssh = {
        description   = "SSH through Identity-Aware Proxy TCP forwarding only"
        source_ranges = ["35.235.240.0/20"]
        ports         = ["22"]
      }
    } : {},
  )
}

################################################################################
# Network
################################################################################

resource "google_compute_network" "this" {
  project                 = var.project_id
  name                    = var.name
  description             = "fleetform runners and their load balancers"
  auto_create_subnetworks = false
  routing_mode            = var.routing_mode
  mtu                     = var.mtu
  # Keep the default route to the internet gateway: Cloud NAT and Private Google Access use it.
  delete_default_routes_on_create = false
}

################################################################################
# Subnetworks: the runners' (flow logs, Private Google Access) and the proxy-only one
# regional Application Load Balancers put their proxies in
################################################################################

resource "google_compute_subnetwork" "this" {
  for_each = var.regions

  project                  = var.project_id
  name                     = "${var.name}-${each.key}"
  description              = "fleetform runners in ${each.key}"
  region                   = each.key
  network                  = google_compute_network.this.id
  ip_cidr_range            = each.value.ip_cidr_range
  private_ip_google_access = true # pull images and read secrets without public IPs

  log_config {
    aggregation_interval = var.flow_log_aggregation_interval
    flow_sampling        = var.flow_log_sampling
    metadata             = var.flow_log_metadata
  }
}

resource "google_compute_subnetwork" "proxy_only" {
  for_each = var.regions

  project       = var.project_id
  name          = "${var.name}-${each.key}-proxy-only"
  description   = "Envoy proxies of regional Application Load Balancers in ${each.key}"
  region        = each.key
  network       = google_compute_network.this.id
  ip_cidr_range = each.value.proxy_only_ip_cidr_range
  purpose       = "REGIONAL_MANAGED_PROXY"
  role          = "ACTIVE"
}

################################################################################
# Cloud Router + Cloud NAT: outbound internet for runners without public IPs
################################################################################

resource "google_compute_router" "this" {
  for_each = var.regions

  project = var.project_id
  name    = "${var.name}-${each.key}"
  region  = each.key
  network = google_compute_network.this.id
}

resource "google_compute_router_nat" "this" {
  for_each = var.regions

  project                             = var.project_id
  name                                = "${var.name}-${each.key}"
  region                              = each.key
  router                              = google_compute_router.this[each.key].name
  nat_ip_allocate_option              = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat  = "LIST_OF_SUBNETWORKS"
  min_ports_per_vm                    = var.nat_min_ports_per_vm
  enable_dynamic_port_allocation      = true
  enable_endpoint_independent_mapping = false # required with dynamic port allocation

  subnetwork {
    name                    = google_compute_subnetwork.this[each.key].id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = var.nat_log_filter
  }
}

################################################################################
# Firewall: the runners' ports are reachable from health checkers and load balancer
# proxies only (and SSH through IAP when allowed)
################################################################################

resource "google_compute_firewall" "runner_ingress" {
  for_each = local.runner_ingress

  project       = var.project_id
  name          = "${var.name}-allow-${each.key}"
  description   = each.value.description
  network       = google_compute_network.this.id
  direction     = "INGRESS"
  source_ranges = each.value.source_ranges
  target_tags   = var.runner_network_tags

  allow {
    protocol = "tcp"
    ports    = each.value.ports
  }

  dynamic "log_config" {
    for_each = var.firewall_logging ? [1] : []
    content {
      metadata = "INCLUDE_ALL_METADATA"
    }
  }
}
