import fal
from pydantic import BaseModel, Field
from fal.container import ContainerImage

class Input(BaseModel):
    prompt: str = Field(description="What to generate.")


class Output(BaseModel):
    text: str


class RemoveBackground(fal.App):
    machine_type = "GPU-RTX4090"
    image = ContainerImage.from_dockerfile_str(
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install rembg==2.0.59 fal\n",
        registries={"https://index.docker.io/v1/": {"username": "acme", "password": "$DOCKERHUB_TOKEN"}},
    )

    def setup(self) -> None:
        self.ready = True

    @fal.endpoint("/")
    def run(self, request: Input) -> Output:
        return Output(text=request.prompt)
