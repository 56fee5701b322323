"""Thumbnails from text: a fal.App with requirements, a slow endpoint, a POST health check and a teardown."""

import hashlib
import io
import os
import time
from pathlib import Path

import fal
from pydantic import BaseModel, Field


class ThumbnailInput(BaseModel):
    text: str
    width: int = Field(64, ge=1, le=512)
    height: int = Field(32, ge=1, le=512)


class ThumbnailOutput(BaseModel):
    sha256: str
    size: list[int]
    palette: list[str]
    scale: int


class SlowInput(BaseModel):
    seconds: float = Field(ge=0, le=120)


class Studio(fal.App):
    requirements = ["pillow==13.0.0", "pyyaml==6.0.4"]
    machine_type = "S"

    def setup(self) -> None:
        import yaml

        print("studio: setup started", flush=True)
        time.sleep(float(os.environ.get("STUDIO_SETUP_SECONDS", "0")))
        self.style = yaml.safe_load("palette: [teal, coral, ivory]\nscale: 2\n")
        print("studio: setup done", flush=True)

    @fal.endpoint("/")
    def thumbnail(self, request: ThumbnailInput) -> ThumbnailOutput:
        from PIL import Image, ImageDraw

        scale = self.style["scale"]
        image = Image.new("RGB", (request.width * scale, request.height * scale), self.style["palette"][2])
        draw = ImageDraw.Draw(image)
        for index, byte in enumerate(hashlib.sha256(request.text.encode()).digest()[:8]):
            color = self.style["palette"][byte % 2]
            draw.rectangle((index * scale * 4, 0, index * scale * 4 + byte % 7 + 1, image.height - 1), fill=color)
        png = io.BytesIO()
        image.save(png, format="PNG")
        return ThumbnailOutput(sha256=hashlib.sha256(png.getvalue()).hexdigest(), size=list(image.size),
                               palette=self.style["palette"], scale=scale)

    @fal.endpoint("/slow")
    def slow(self, request: SlowInput) -> dict:
        time.sleep(request.seconds)
        return {"slept": request.seconds}

    @fal.endpoint("/ready", health_check=fal.HealthCheck(timeout_seconds=2))
    def ready(self) -> dict:
        return {"ready": True}

    def teardown(self) -> None:
        marker = os.environ.get("STUDIO_TEARDOWN_FILE")
        if marker:
            Path(marker).write_text("teardown ran\n")
        print("studio: teardown done", flush=True)
