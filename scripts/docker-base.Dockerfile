# The base image of the Docker tests' requirements apps (scripts/docker-setup builds it): a debootstrapped
# Debian bookworm (imported as MINBASE: no container registry is reachable from CI) with its Python 3.11,
# venv and pip, which is what [tool.fleetform.images] cpu_base requires of a base.
ARG MINBASE
FROM ${MINBASE}
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates \
    && rm -rf /var/lib/apt/lists/*
