import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class SDXLTurbo(fal.App):
    machine_type = "GPU-A100"
    num_gpus = 1
    regions = ["us-central"]
    requirements = ["diffusers==0.30.3", "torch==2.4.1", "transformers==4.44.2", "accelerate==0.34.2"]
    keep_alive = 300
    min_concurrency = 0
    max_concurrency = 8
    max_multiplexing = 1
    concurrency_buffer_perc = 20
    request_timeout = 600
    startup_timeout = 1200
    app_auth = "shared"

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
