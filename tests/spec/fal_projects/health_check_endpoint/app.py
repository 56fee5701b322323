import fal
from pydantic import BaseModel, Field

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class Detector(fal.App):
    machine_type = "GPU-A100"
    startup_timeout = 900

    @fal.endpoint("/healthz", health_check=fal.HealthCheck(start_period_seconds=120, timeout_seconds=10))
    def healthz(self) -> dict:
        return {"ok": True}

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
