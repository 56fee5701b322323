import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class LLMChat(
    fal.App,
    keep_alive=600,
    min_concurrency=1,
    max_concurrency=6,
    max_multiplexing=4,
    concurrency_buffer=1,
    scaling_delay=30,
    request_timeout=900,
    request_start_timeout=120,
    startup_timeout=1800,
    private_logs=True,
    secrets=["HF_TOKEN"],
    metrics_port=9100,
    termination_grace_period_seconds=25,
    python_version="3.11",
    name="llm-chat-ignored",
):
    machine_type = ["GPU-H100", "GPU-A100"]
    requirements = ["vllm==0.6.3"]

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
