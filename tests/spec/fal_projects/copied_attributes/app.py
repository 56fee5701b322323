import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class VideoTools(fal.App):
    machine_type = "GPU-L40"
    secrets = ["HF_TOKEN", "WANDB_API_KEY"]
    metrics_port = 9300
    request_start_timeout = 45
    data_mounts = ["/data/.cache"]
    retry_config = {"timeout": {"retries": 1}, "server_error": {"retries": 3}}
    termination_grace_period_seconds = 15
    skip_retry_conditions = ["connection_error"]
    concurrency_buffer = 2
    scaling_delay = 10

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
