import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class TorchApp(fal.App):
    machine_type = "GPU-A100"
    requirements = [
        "--extra-index-url",
        "https://download.pytorch.org/whl/cu124",
        "torch==2.4.1+cu124",
        "--find-links=https://data.pyg.org/whl/torch-2.4.0+cu124.html",
        "torch-scatter",
    ]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
