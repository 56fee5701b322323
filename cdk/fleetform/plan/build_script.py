"""The one build script both clouds' build services run: registry logins, BuildKit secret mounts, build, push.

CodeBuild (its buildspec) and Cloud Build (a ``docker`` step) run the same bash, so a build does the
same thing on either cloud. The cloud's part is only how the environment below gets there:

- ``IMAGE``: the references to push, ``<registry>/<platform>/<app>:<tag>``, space-separated (one per
  Artifact Registry multi-region on GCP; ECR replicates one push).
- ``CONTEXT``: a directory holding the build context, or ``-`` for ``context.tar.gz`` in the working
  directory (BuildKit reads a tarball context from stdin).
- ``DOCKERFILE``: the Dockerfile's path inside the context.
- ``BUILD_SECRETS``: space-separated ``<id>=<NAME>``: BuildKit secret ``id`` (what the Dockerfile's
  ``RUN --mount=type=secret,id=<id>`` names) comes from the environment variable ``NAME``, which
  the build service fills from the secret store (CodeBuild ``secrets-manager`` environment
  variables, Cloud Build ``availableSecrets``). No value reaches an image layer, the build's
  arguments or its log.
- ``BUILD_ARGS``: ``NAME=value`` lines, passed as ``--build-arg`` (build args are not secret).
- ``REGISTRY_LOGINS``: space-separated ``host|username|NAME`` for the registries base images come
  from (``image.registries``); the password is variable ``NAME``, piped to ``docker login
  --password-stdin``.

The platform's own registry is logged in to by the cloud's part before this runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from fleetform.plan.model import RegistryLogin

SCRIPT = """\
set -euo pipefail
for login in ${REGISTRY_LOGINS:-}; do
  IFS='|' read -r host user secret <<< "$login"
  printf '%s' "${!secret}" | docker login "$host" --username "$user" --password-stdin
done
options=(--progress=plain --file "$DOCKERFILE" --push)
for image in $IMAGE; do
  options+=(--tag "$image")
done
for pair in ${BUILD_SECRETS:-}; do
  options+=(--secret "id=${pair%%=*},env=${pair#*=}")
done
while IFS= read -r arg; do
  if [ -n "$arg" ]; then options+=(--build-arg "$arg"); fi
done <<< "${BUILD_ARGS:-}"
if [ "$CONTEXT" = "-" ]; then
  docker buildx build "${options[@]}" - < context.tar.gz
else
  docker buildx build "${options[@]}" "$CONTEXT"
fi
"""


def build_environment(*, image: str, context: str, dockerfile: str, secrets: Sequence[tuple[str, str]],
                      build_args: Sequence[tuple[str, str]], logins: Sequence[RegistryLogin]) -> dict[str, str]:
    """The script's plain environment variables; ``secrets`` are ``(BuildKit id, secret name)`` pairs.

    Secret values come from the build service, never from here.
    """
    return {
        "IMAGE": image,
        "CONTEXT": context,
        "DOCKERFILE": dockerfile,
        "BUILD_SECRETS": " ".join(f"{secret_id}={name}" for secret_id, name in secrets),
        "BUILD_ARGS": "".join(f"{name}={value}\n" for name, value in build_args),
        "REGISTRY_LOGINS": " ".join(f"{login.host}|{login.username}|{login.password_secret}" for login in logins),
    }


def secret_names(environment: dict[str, str]) -> list[str]:
    """The secret names ``BUILD_SECRETS`` and ``REGISTRY_LOGINS`` read, sorted: what the build service must supply."""
    names = {pair.split("=", 1)[1] for pair in environment["BUILD_SECRETS"].split()}
    names |= {login.rsplit("|", 1)[1] for login in environment["REGISTRY_LOGINS"].split()}
    return sorted(names)
