import fal
from pydantic import BaseModel, Field
from fal.container import ContainerImage

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class TTS(fal.App):
    machine_type = "GPU-L40"
    image = ContainerImage.from_dockerfile("Dockerfile")

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
