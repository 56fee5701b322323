import fal
from pydantic import BaseModel, Field
import torch  # not installed where validate runs: importing this file would raise
from diffusers import StableDiffusionPipeline

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Depth(fal.App):
    machine_type = "GPU-A100"
    requirements = ["torch==2.4.1", "diffusers==0.30.3"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
