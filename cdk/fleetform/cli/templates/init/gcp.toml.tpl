[tool.fleetform.gcp]
# The GCP project that runs the apps (required with "gcp" in clouds): replace it with yours.
project = "$gcp_project"
# Region of the gcp-shared stack's regional resources; default: the first region used.
# home_region = "us-east4"
# Cloud DNS public zone (its DNS name, and the managed zone's name): each region's external load
# balancer answers at <region>.<zone> (an A record); the certificates below must cover it (*.<zone>).
# dns_zone = "gcp.gpu.example.com"
# dns_managed_zone = "gpu-example-com"

# Regional SSL certificate (name or self link) per region: HTTPS on the external load balancer.
# `public` and `shared` apps need one in every region they run in.
# [tool.fleetform.gcp.certificates]
# us-east4 = "projects/$gcp_project/regions/us-east4/sslCertificates/apps"
