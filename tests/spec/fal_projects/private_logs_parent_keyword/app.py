import fal
from pydantic import BaseModel, Field


class PrivateBase(fal.App, private_logs=False):
    machine_type = "S"

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class AuditedApp(PrivateBase):
    private_logs = True
    keep_alive = 30

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
