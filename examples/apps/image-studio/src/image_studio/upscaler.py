"""An upscaler in a custom container built from an inline Dockerfile with a private base image."""

import fal
from fal.container import ContainerImage



class Upscaler(fal.App, keep_alive=120, max_concurrency=4):
    machine_type = "GPU-L40"
    image = ContainerImage.from_dockerfile_str(
        """
        FROM registry.example.com/ml/cuda-base:12.4
        RUN apt-get update && apt-get install -y ffmpeg && rm -rf /var/lib/apt/lists/*
        RUN pip install realesrgan==0.3.0 fal
        """,
        registries={
            "registry.example.com": {"username": "robot$imaging", "password": "$EXAMPLE_REGISTRY_TOKEN"},
        },
        build_args={"CUDA_VERSION": "12.4"},
    )
    regions = ["us-east"]

    @fal.endpoint("/")
    def upscale(self, image_url: str) -> dict:
        return {"image_url": image_url}
