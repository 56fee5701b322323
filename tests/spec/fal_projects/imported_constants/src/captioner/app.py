import fal
from pydantic import BaseModel, Field
from settings import IDLE_SECONDS, MACHINE_TYPES
from settings import REQUIREMENTS as BASE_REQUIREMENTS

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Captioner(fal.App, keep_alive=IDLE_SECONDS):
    machine_type = MACHINE_TYPES
    requirements = BASE_REQUIREMENTS + ["flash-attn==2.6.3"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
