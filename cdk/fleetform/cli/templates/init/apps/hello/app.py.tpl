"""A starter fal app: echoes a greeting. Runs on a small CPU machine, so trying the platform costs cents.

For a GPU app set e.g. `machine_type = ["GPU-H100", "GPU-A100"]` (a fallback list) and `num_gpus`;
`fleetform catalog show` lists fal's machine types and what each cloud runs them on.
"""

import fal
from pydantic import BaseModel


class Greeting(BaseModel):
    name: str = "world"


class Hello(fal.App, keep_alive=300, min_concurrency=0, max_concurrency=2):
    machine_type = "S"
    requirements = ["pydantic>=2,<3"]

    @fal.endpoint("/")
    def greet(self, request: Greeting) -> dict:
        return {"message": f"hello, {request.name}"}
