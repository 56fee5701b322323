import fal
from pydantic import BaseModel, Field


class DiffusionBase(fal.App, keep_alive=200, max_concurrency=5):
    machine_type = "GPU-H100"
    requirements = ["diffusers==0.30.3", "torch==2.4.1"]
    request_timeout = 300
    secrets = ["HF_TOKEN"]

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class FluxDev(DiffusionBase, min_concurrency=1):
    requirements = ["diffusers==0.31.0", "torch==2.5.1", "sentencepiece"]
    startup_timeout = 1200

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
