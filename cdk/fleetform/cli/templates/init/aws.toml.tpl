[tool.fleetform.aws]
# Refuse to run against any other AWS account, e.g. ["111111111111"].
allowed_account_ids = []
# Region of the aws-shared stack (secrets, image repositories); default: the first region used.
# home_region = "us-east-1"
# Route 53 public hosted zone: each region's internet-facing load balancer answers at
# <region>.<zone> (an alias record); the certificates below must cover it (*.<zone>).
# dns_zone = "aws.gpu.example.com"

# ACM certificate ARN per region: HTTPS on that region's internet-facing load balancer.
# `public` and `shared` apps need one in every region they run in.
# [tool.fleetform.aws.certificates]
# us-east-1 = "arn:aws:acm:us-east-1:111111111111:certificate/..."
