"""Settings shared by the team's apps."""

MACHINE_TYPES = ["GPU-H100", "GPU-A100"]
FLORENCE = "transformers==4.44.2"
REQUIREMENTS = [FLORENCE, "timm==1.0.9", "einops"]
IDLE_SECONDS = 240
