"""fleetform: a fal-style serverless GPU platform on your own AWS and GCP accounts.

App teams keep their fal projects (``[tool.fal.apps]`` and ``fal.App`` classes); fleetform reads
them into a typed spec, plans GPU instance groups per cloud region, and synthesizes Terraform with
cdktf constructs that real Terraform accepts against the pinned aws and google providers.
"""

__version__ = "0.1.0"
