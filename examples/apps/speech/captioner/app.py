"""A captioner in a container built from captioner/Dockerfile; no settings in the class."""

import fal


class Captioner(fal.App):
    @fal.endpoint("/")
    def caption(self, image_url: str) -> dict:
        return {"caption": f"an image at {image_url}"}
