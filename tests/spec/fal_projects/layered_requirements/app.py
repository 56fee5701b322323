import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class FlashAttn(fal.App):
    machine_type = "GPU-H100"
    requirements = [
        ["torch==2.4.1", "packaging", "ninja"],
        ["flash-attn==2.6.3", "triton==3.0.0"],
    ]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
