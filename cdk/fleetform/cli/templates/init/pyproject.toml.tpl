# The platform repo: which clouds and regions serve the apps, and where the app projects are.
# Written by `fleetform init`; `fleetform validate`, `fleetform synth` and `fleetform check` run here as is.
[project]
name = "$project_name"
version = "0.1.0"
requires-python = ">=3.11"
# fleetform pinned to the version that wrote this repo. It is not on a public index: install it
# from a wheel or a git URL, pinned (see README.md), e.g.
#   pip install "fleetform @ git+https://<your git host>/fleetform.git@v$fleetform_version"
dependencies = ["fleetform==$fleetform_version"]

# Every key below is optional; a commented key shows its default (or an example where there is none).
[tool.fleetform]
# Prefix of every resource name: lowercase letters, digits and '-', at most 20 characters.
name = "$name"
# Clouds that serve the apps: "aws", "gcp" or both.
clouds = $clouds
# Globs of the app projects' pyproject.toml, relative to this file.
apps = ["apps/*/pyproject.toml"]
# fal regions (us-west, us-central, us-east, eu-north, eu-west) of apps that set no `regions`.
default_regions = ["us-east"]
# The fal regions app teams may ask for in their `regions`; any other is an error (default: default_regions
# plus the fal regions under [tool.fleetform.regions]).
# served_regions = ["us-east"]
# Serve `public` apps over plain HTTP in regions without a certificate: for trying fleetform out only.
# allow_plain_http = false
# Tags (AWS) / labels (GCP) on every resource.
tags = { managed-by = "fleetform" }

# The cloud region behind a fal region, per cloud (default: the catalog's; see README.md).
# [tool.fleetform.regions.aws]
# us-central = "us-east-2"
# [tool.fleetform.regions.gcp]
# us-east = "us-east4"

# Runner limits of apps that leave them to fal's server.
[tool.fleetform.defaults]
# Runner limit of apps that set no max_concurrency.
max_concurrency = 10
# Seconds; the AWS load balancer's idle timeout caps it at 4000.
request_timeout = 3600
# Runtime Python of apps that set none (fal uses the deploying machine's).
python_version = "3.11"
# Load-balancer retries of server_error and connection_error for apps whose retry_config sets none (GCP).
retries = 2

# How requirements apps are built (fleetform build): base images per Python version, pinned by digest
# (default: Debian slim Python 3.10-3.13 for CPU, a CUDA 12.6 runtime with Python 3.11 for GPU apps; point
# them at your mirror), and PEM files build steps trust, e.g. a TLS-intercepting proxy's CA (bind-mounted
# into pip's steps, never into an image).
# [tool.fleetform.images]
# cpu_base = { "3.11" = "docker.io/library/python:3.11-slim-bookworm@sha256:..." }
# gpu_base = { "3.11" = "docker.io/pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime@sha256:..." }
# ca_certificates = ["certs/proxy-ca.pem"]

# Where Terraform keeps state: "local" (a file per stack, for trying it out), "s3" or "gcs".
# Each stack's state goes to <prefix>/<stack>. The modules aws-state / gcp-state create the buckets.
[tool.fleetform.state]
backend = "local"
# bucket = "$name-terraform-state"
# prefix = "fleetform"
# region = "us-east-1"         # s3: the bucket's region
# use_lockfile = true          # s3: native locking (Terraform >= 1.10)
# dynamodb_table = "..."       # s3: legacy lock table, instead of use_lockfile
# kms_key_id = "..."           # s3: KMS key that encrypts the state

$aws_section
$gcp_section
# Who may call `auth = "shared"` apps: any user the platform's identity provider signed in.
# [tool.fleetform.auth]
# jwt_issuer = "https://login.example.com/oauth2/default"          # AWS: the ALB checks these JWTs
# jwks_url = "https://login.example.com/oauth2/default/v1/keys"    # AWS: goes with jwt_issuer
# jwt_audience = ["api://example-fleet"]                          # AWS: required: the tokens' aud
# jwt_audience_format = "single-string"                           # AWS: string-array if aud is a list
# jwt_claims = [{ name = "groups", format = "string-array", values = ["ml-platform"] }]  # AWS: membership
# shared_members = ["allAuthenticatedUsers"]                       # GCP: IAP members (domain:example.com, group:...)

# Existing networks per cloud region (the modules aws-network / gcp-network print these);
# a region without one uses the default VPC / network, for trying it out.
# [tool.fleetform.networks.aws.us-east-1]
# vpc_id = "vpc-0123456789abcdef0"
# private_subnets = { use1-az1 = "subnet-...", use1-az2 = "subnet-..." }   # keyed by AZ ID
# public_subnets = { use1-az1 = "subnet-...", use1-az2 = "subnet-..." }
# [tool.fleetform.networks.gcp.us-east4]
# network = "$name-gpu"
# subnetwork = "$name-gpu-us-east4"
