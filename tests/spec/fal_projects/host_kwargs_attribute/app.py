import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Legacy(fal.App):
    machine_type = "GPU-A100"
    host_kwargs = {"keep_alive": 900, "max_concurrency": 2, "_scheduler": "nomad", "resolver": "uv"}

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
