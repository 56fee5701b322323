import fal

GPU = "GPU-A100"


class GPUApp(fal.App, keep_alive=180):
    machine_type = GPU
    regions = ["us-east", "us-central"]
    requirements = ["torch==2.4.1"]
    max_multiplexing = 2
