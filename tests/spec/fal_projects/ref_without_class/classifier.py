import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class ImageClassifier(fal.App):
    machine_type = "GPU-RTX4090"
    requirements = ["timm==1.0.9", "torch==2.4.1"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
