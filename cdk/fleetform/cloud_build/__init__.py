"""Cloud image builds: ``fleetform build --cloud aws|gcp|both`` submits app build contexts to CodeBuild and
Cloud Build (the pipelines the shared stacks create), skipping every image whose tag already exists.

:mod:`~fleetform.cloud_build.request` is what a build needs, :mod:`~fleetform.cloud_build.archive` the
content-addressed context tarball, :mod:`~fleetform.cloud_build.codebuild` and
:mod:`~fleetform.cloud_build.cloudbuild` the two clouds, :mod:`~fleetform.cloud_build.submit` runs many
builds with a bound and reports each one.
"""
