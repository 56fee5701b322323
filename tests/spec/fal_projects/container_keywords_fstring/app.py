import fal
from pydantic import BaseModel, Field
from fal.container import ContainerImage

PYTHON = "3.11"
CUDA = "12.4.1"
DOCKERFILE = f"""
FROM nvidia/cuda:{CUDA}-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y python{PYTHON} python3-pip curl
RUN pip install torch==2.4.1 --extra-index-url https://download.pytorch.org/whl/cu124
""" + "RUN pip install fal\n"

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Comfy(
    fal.App,
    kind="container",
    image=ContainerImage.from_dockerfile_str(DOCKERFILE, build_args={"COMFY_VERSION": "0.3.10"}),
):
    machine_type = "GPU-H100"
    keep_alive = 600

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
