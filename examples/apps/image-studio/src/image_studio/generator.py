"""Text-to-image on H100s, falling back to A100s; configured entirely in the class."""

import fal
from fal.toolkit import Image
from pydantic import BaseModel


class Prompt(BaseModel):
    prompt: str
    steps: int = 28


class ImageGenerator(
    fal.App,
    keep_alive=600,
    min_concurrency=0,
    max_concurrency=10,
    concurrency_buffer=1,
    private_logs=True,
):
    machine_type = ["GPU-H100", "GPU-A100"]
    num_gpus = 1
    regions = ["us-east", "us-west", "eu-west"]
    max_multiplexing = 2
    startup_timeout = 900
    request_timeout = 300
    termination_grace_period_seconds = 20
    requirements = [
        "torch==2.5.0",
        "diffusers[torch]==0.31.0",
        "transformers>=4.44,<5",
        "my-fast-kernels==1.4.2",
        "--extra-index-url",
        "https://download.pytorch.org/whl/cu124",
        "--find-links",
        "https://github.com/example-org/kernels/releases/download/v1.4.2/",
    ]

    def setup(self):
        import torch
        from diffusers import FluxPipeline

        self.pipe = FluxPipeline.from_pretrained("black-forest-labs/FLUX.1-schnell", torch_dtype=torch.bfloat16)
        self.pipe.to("cuda")

    @fal.endpoint("/")
    def generate(self, request: Prompt) -> Image:
        return Image.from_pil(self.pipe(request.prompt, num_inference_steps=request.steps).images[0])

    @fal.endpoint("/healthz", health_check=fal.HealthCheck(start_period_seconds=120, timeout_seconds=10))
    def healthz(self) -> dict:
        return {"ok": True}
