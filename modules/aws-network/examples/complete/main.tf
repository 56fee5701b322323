# The network of one fleetform region: us-east-1 ("us-east"), in three AZs picked by AZ ID.
# Apply it once per region the platform serves, then paste `terraform output -raw fleetform_settings`
# into the platform repo's pyproject.toml.

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      managed-by = "terraform"
      module     = "fleetform/aws-network"
    }
  }
}

module "network" {
  source = "../.."

  name                  = "acme-gpu"
  cidr_block            = "10.20.0.0/16"
  availability_zone_ids = ["use1-az1", "use1-az2", "use1-az3"]

  # A bigger runner subnet where most GPU capacity is; the other subnets are carved from
  # cidr_block by AZ number (this one takes the space az5 and az6 would have had).
  private_subnet_cidrs = { "use1-az3" = "10.20.128.0/18" }

  nat_gateways        = "one_per_az"
  interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts"]

  flow_log_retention_in_days = 90

  tags = { cost-center = "ml-platform" }
}
