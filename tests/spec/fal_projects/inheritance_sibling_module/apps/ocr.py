import fal
from pydantic import BaseModel, Field
from common import GPUApp

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class OCR(GPUApp):
    requirements = ["torch==2.4.1", "surya-ocr==0.6.0"]
    max_concurrency = 2

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
