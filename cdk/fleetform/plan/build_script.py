"""The one build script both clouds' build services run: registry logins, BuildKit secret mounts, build, push.

CodeBuild (its buildspec) and Cloud Build (a ``docker`` step) run the same bash, so a build does the
same thing on either cloud. The cloud's part is only how the environment below gets there:

- ``IMAGE``: the reference to push, ``<registry>/<platform>/<app>:<tag>``.
- ``CONTEXT``: a directory holding the build context, or ``-`` for ``context.tar.gz`` in the working
  directory (BuildKit reads a tarball context from stdin).
- ``BUILD_SECRET_NAMES``: space-separated secret names; each is also an environment variable holding
  its value, put there by the build service from the secret store (CodeBuild ``secrets-manager``
  environment variables, Cloud Build ``availableSecrets``). BuildKit mounts each as
  ``--mount=type=secret,id=<NAME>`` for the Dockerfile's ``RUN`` steps, so no value reaches an image
  layer, the build's arguments or its log.
- ``REGISTRY_LOGINS``: space-separated ``host|username|SECRET_NAME`` for the registries base images
  come from (``image.registries``); the password is the named secret's variable, piped to
  ``docker login --password-stdin``.

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
secret_args=()
for name in ${BUILD_SECRET_NAMES:-}; do
  secret_args+=(--secret "id=$name,env=$name")
done
if [ "$CONTEXT" = "-" ]; then
  docker buildx build --progress=plain "${secret_args[@]}" --tag "$IMAGE" --push - < context.tar.gz
else
  docker buildx build --progress=plain "${secret_args[@]}" --tag "$IMAGE" --push "$CONTEXT"
fi
"""


def build_environment(image: str, context: str, secrets: Sequence[str],
                      logins: Sequence[RegistryLogin]) -> dict[str, str]:
    """The script's plain environment variables (secret values come from the build service, never from here)."""
    return {
        "IMAGE": image,
        "CONTEXT": context,
        "BUILD_SECRET_NAMES": " ".join(sorted(secrets)),
        "REGISTRY_LOGINS": " ".join(f"{login.host}|{login.username}|{login.password_secret}" for login in logins),
    }
