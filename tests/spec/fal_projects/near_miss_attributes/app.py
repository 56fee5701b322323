import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Tagger(fal.App):
    machine_type = "GPU-A100"
    keepalive = 3600
    min_concurency = 2
    machine_types = ["GPU-H100"]
    model_id = "SmilingWolf/wd-vit-tagger-v3"

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
