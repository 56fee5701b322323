import fal
from fastapi import FastAPI

MACHINE = "GPU-RTX4090"


@fal.function(
    machine_type=MACHINE,
    requirements=["pillow==10.4.0", "fastapi"],
    min_concurrency=0,
    max_concurrency=3,
    serve=True,
)
def thumbnail() -> FastAPI:
    api = FastAPI()

    @api.post("/")
    def resize(size: int = 256) -> dict:
        return {"size": size}

    return api
