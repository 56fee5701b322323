"""A served @fal.function: fal serves it on POST / with no /health."""

import fal
from pydantic import BaseModel


class ShoutInput(BaseModel):
    text: str


@fal.function("virtualenv", requirements=["pyyaml==6.0.4"], serve=True)
def shout(request: ShoutInput) -> dict:
    import yaml

    return {"shout": request.text.upper() + "!", "yaml": yaml.safe_dump({"text": request.text}).strip()}
