import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Whisper(fal.App, min_concurrency=1):
    machine_type = "GPU-A100"
    requirements = ["openai-whisper==20240930", "torch==2.4.1"]
    request_timeout = 60

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
