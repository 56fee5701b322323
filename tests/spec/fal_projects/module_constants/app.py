import fal
from pydantic import BaseModel, Field

MACHINE = "GPU-A100"
KEEP = 300
REGIONS = ["us-east"]
TORCH = "torch==2.4.1"
REQUIREMENTS = [TORCH, "sentence-transformers==3.1.1"]
MAX_RUNNERS: int = 6

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Embeddings(fal.App, keep_alive=KEEP, max_concurrency=MAX_RUNNERS):
    machine_type = MACHINE
    regions = REGIONS
    requirements = REQUIREMENTS + ["einops"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
