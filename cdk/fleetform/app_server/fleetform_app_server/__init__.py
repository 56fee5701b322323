"""fleetform's runtime entry: serves a fal app in its built image with fal's own SDK.

``python -m fleetform_app_server`` (the image's CMD) runs :mod:`.supervisor`, which starts
:mod:`.serve` (fal's ``fal run --local`` path) as its child and bounds its stop by the termination
grace. Standard library and fal only: this package runs on the image's Python, not fleetform's.
The container contract it implements is ``docs/container-contract.md`` in the fleetform repository.
"""
