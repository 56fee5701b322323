# The state bucket of the platform, applied once with local state; afterwards the platform's
# stacks keep their state in it. Paste `terraform output -raw fleetform_settings` into the
# platform repo's pyproject.toml and attach `state_access_policy_json` to the deploying role.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}

module "state" {
  source = "../.."

  bucket_name  = "acme-gpu-platform-tfstate-111111111111"
  state_prefix = "fleetform"

  # Teams still on Terraform < 1.10 lock through DynamoDB as well.
  create_dynamodb_lock_table = true

  noncurrent_version_expiration_days = 180
  noncurrent_versions_to_keep        = 20

  tags = { cost-center = "ml-platform" }
}

# The role CI deploys the platform with may touch the state and nothing else of the bucket.
resource "aws_iam_role_policy" "deployer_state_access" {
  name   = "fleetform-state"
  role   = "acme-gpu-platform-deployer"
  policy = module.state.state_access_policy_json
}
