import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Pipeline(fal.App):
    machine_type = "GPU-A100"
    requirements = [".[serve]", "numpy==2.1.0"]
    requirements_context_dir = "../.."

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
