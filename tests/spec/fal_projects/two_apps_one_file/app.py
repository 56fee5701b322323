import fal
from pydantic import BaseModel, Field


class Fast(fal.App):
    machine_type = "GPU-RTX4090"
    requirements = ["onnxruntime-gpu==1.19.2"]

    @fal.endpoint("/")
    def run(self, prompt: str) -> dict:
        return {"text": prompt}


class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Quality(fal.App):
    machine_type = "GPU-H100"
    requirements = ["torch==2.4.1"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
