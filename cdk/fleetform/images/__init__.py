"""App images: what fleetform builds for each app, as a pure function of the plan's app and its files.

:mod:`~fleetform.images.context` is an app's build context (files, Dockerfile path, build args,
secrets), :mod:`~fleetform.images.dockerfile` the Dockerfile generated for a requirements app,
:mod:`~fleetform.images.app_files` fal's ``app_files`` selection, :mod:`~fleetform.images.runtime_files`
what every generated image carries to serve the app (fal's serving requirements, the runtime entry,
the container's environment), and :mod:`~fleetform.images.key` the content key that is the image tag.
"""
