import fal
from pydantic import BaseModel, Field


class Base(fal.App, max_concurrency=10, request_timeout=30):
    machine_type = "GPU-A100"

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Child(Base, max_concurrency=3):
    request_timeout = 90
    python_version = "3.10"
    max_concurrency = 7

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
