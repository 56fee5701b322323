#!/bin/bash
# fleetform runner boot script: app web-ui, group acme-web-ui, aws us-east-1.
# Rendered from the platform plan by fleetform; change the plan and re-synth, never this file.
# It logs in to the registries, pulls the image, writes the app's secrets to an env file, mounts
# the shared data volume, installs the runner agent and starts the app container. Safe to re-run.
set -euo pipefail

# --- Plan values ------------------------------------------------------------------------------
readonly APP_NAME=web-ui
readonly GROUP_NAME=acme-web-ui
readonly CLOUD_REGION=us-east-1
readonly APP_PORT=8000
readonly METRICS_PORT=''
readonly GPUS_PER_INSTANCE=0
readonly GPUS_PER_RUNNER=0
readonly -A RUNNER_SLOTS_BY_TYPE=(["m7i.xlarge"]=1)
readonly UNIFORM_RUNNER_SLOTS=1
readonly SHM_GIB=8
readonly STOP_TIMEOUT_SECONDS=30
readonly DRAIN_TIMEOUT_SECONDS=3645
readonly LOG_NAME=/acme/private/web-ui
readonly IMAGE_REFERENCE=ghcr.io/acme/web-ui:1.4.2
readonly IMAGE_REPOSITORY=acme/web-ui
readonly IMAGE_TAG=''
readonly -a ENTRYPOINT_OPTIONS=(--entrypoint python)
readonly -a CONTAINER_ARGS=(-m web_ui --port 8000)
readonly -a REGISTRY_HOSTS=(ghcr.io)
readonly -a REGISTRY_USERNAMES=(acme-bot)
readonly -a REGISTRY_PASSWORD_SECRET_IDS=(acme/GHCR_TOKEN)
readonly -a APP_SECRET_NAMES=()
readonly -a APP_SECRET_IDS=()
readonly DATA_VOLUME_NAME=acme-data
readonly DATA_VOLUME_PATH=/data
readonly -a DATA_MOUNTS=()

# --- Shared steps -----------------------------------------------------------------------------
# The cloud part below defines: cloud_identity, cloud_instance_type, cloud_login_platform_registry
# (sets IMAGE), cloud_read_secret ID, cloud_mount_data_volume TARGET, cloud_log_options CONTAINER (sets
# LOG_OPTIONS) and cloud_persist_for_reboots.

# Every path the script writes lies under FLEETFORM_ROOT, unset on a runner; tests point it at a
# scratch folder to run the script unchanged.
readonly ROOT="${FLEETFORM_ROOT:-}"
readonly STATE_DIR="$ROOT/etc/fleetform"
readonly ENV_FILE="$STATE_DIR/app.env"
readonly DATA_HOST_PATH="$ROOT/mnt/fleetform-data"
readonly CONTAINER_NAME=app
readonly RUNNER_SLOTS_FILE="$STATE_DIR/runner-slots"
export HOME="${HOME:-/root}"
IMAGE=
RUNNER_SLOTS=1
LOG_OPTIONS=()
DATA_OPTIONS=()

log() { printf 'fleetform-runner: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# untraced COMMAND...: run COMMAND with xtrace off (under bash -x), so no secret reaches the log.
untraced() {
  local status=0
  if [[ $- != *x* ]]; then
    "$@"
    return
  fi
  set +x
  "$@" || status=$?
  set -x
  return "$status"
}

# retry ATTEMPTS DELAY_SECONDS COMMAND...: run COMMAND until it succeeds, at most ATTEMPTS times.
retry() {
  local attempts=$1 delay=$2 attempt=1
  shift 2
  until "$@"; do
    if ((attempt >= attempts)); then
      log "gave up after $attempts attempts: $1"
      return 1
    fi
    log "attempt $attempt/$attempts failed, retrying in ${delay}s: $1"
    sleep "$delay"
    attempt=$((attempt + 1))
  done
}

docker_ready() { docker info >/dev/null 2>&1; }
gpus_ready() { nvidia-smi >/dev/null 2>&1; }

apt_install_docker() { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io; }

# GPU images ship Docker; the CPU image (Amazon Linux 2023) does not: install the distribution's package.
ensure_docker() {
  command -v docker >/dev/null 2>&1 && return 0
  log "docker is not installed; installing it"
  if command -v dnf >/dev/null 2>&1; then
    retry 5 10 dnf install -y -q docker || die "cannot install docker"
  else
    retry 5 10 apt_install_docker || die "cannot install docker"
  fi
  systemctl enable --now docker
}

wait_for_docker() {
  ensure_docker
  retry 60 5 docker_ready || die "docker is not running"
}

# The GPU driver may still be installing on first boot (GCP installs it from metadata): waited
# for only once the image is pulled, so the two overlap.
wait_for_gpus() {
  if ((GPUS_PER_INSTANCE > 0)); then
    retry 90 10 gpus_ready || die "no NVIDIA driver after 15 minutes (nvidia-smi fails)"
  fi
}

# password_login USERNAME PASSWORD HOST: the password goes to docker on stdin, never in argv.
password_login() {
  printf '%s' "$2" | docker login --username "$1" --password-stdin "$3" >/dev/null
}

login_private_registries() {
  local index password
  for index in "${!REGISTRY_HOSTS[@]}"; do
    password="$(retry 5 5 cloud_read_secret "${REGISTRY_PASSWORD_SECRET_IDS[index]}")" ||
      die "cannot read secret ${REGISTRY_PASSWORD_SECRET_IDS[index]} (password for ${REGISTRY_HOSTS[index]})"
    retry 5 5 password_login "${REGISTRY_USERNAMES[index]}" "$password" "${REGISTRY_HOSTS[index]}" ||
      die "cannot log in to ${REGISTRY_HOSTS[index]}"
  done
}

pull_image() {
  retry 10 15 docker pull --quiet "$IMAGE" >/dev/null || die "cannot pull $IMAGE"
}

# The app's secrets as NAME=value lines, readable by root only. Values never reach argv or the log.
write_env_file() {
  local index value
  install -d -m 0700 "$STATE_DIR"
  (umask 077 && : >"$ENV_FILE.new")
  for index in "${!APP_SECRET_NAMES[@]}"; do
    value="$(retry 5 5 cloud_read_secret "${APP_SECRET_IDS[index]}")" ||
      die "cannot read secret ${APP_SECRET_IDS[index]}"
    if [[ $value == *$'\n'* ]]; then
      die "secret ${APP_SECRET_IDS[index]} spans several lines; a docker env file holds one line per variable"
    fi
    printf '%s=%s\n' "${APP_SECRET_NAMES[index]}" "$value" >>"$ENV_FILE.new"
  done
  mv -f "$ENV_FILE.new" "$ENV_FILE"
}

ensure_nfs_client() {
  if command -v mount.nfs4 >/dev/null 2>&1; then return 0; fi
  if command -v apt-get >/dev/null 2>&1; then
    retry 5 10 apt-get install -y -q nfs-common >/dev/null
  else
    retry 5 10 dnf install -y -q nfs-utils >/dev/null
  fi
}

# Mounts the region's shared volume once per boot and binds each data mount into the container
# at the same path (DATA_VOLUME_PATH on the volume's root, deeper paths on its folders).
mount_data_volume() {
  local path host_path
  if ((${#DATA_MOUNTS[@]} == 0)); then return 0; fi
  install -d -m 0755 "$DATA_HOST_PATH"
  if mountpoint -q "$DATA_HOST_PATH"; then
    log "data volume already mounted at $DATA_HOST_PATH"
  else
    ensure_nfs_client
    cloud_mount_data_volume "$DATA_HOST_PATH"
  fi
  for path in "${DATA_MOUNTS[@]}"; do
    host_path="$DATA_HOST_PATH${path#"$DATA_VOLUME_PATH"}"
    install -d "$host_path"
    DATA_OPTIONS+=(--volume "$host_path:$path")
  done
}

# How many runners this host carries (fleetform.plan.packing: its GPUs // num_gpus, the ASG's weight of
# its type): the same for every type of the group, or the plan's count for this host's instance type.
# The runner agent reads it from RUNNER_SLOTS_FILE.
decide_runner_slots() {
  local kind
  if [[ -n $UNIFORM_RUNNER_SLOTS ]]; then
    RUNNER_SLOTS=$UNIFORM_RUNNER_SLOTS
  else
    kind="$(retry 10 3 cloud_instance_type)" || die "cannot read the instance type"
    [[ -n ${RUNNER_SLOTS_BY_TYPE[$kind]:-} ]] || die "instance type $kind is not one of the group's types"
    RUNNER_SLOTS=${RUNNER_SLOTS_BY_TYPE[$kind]}
  fi
  install -d -m 0700 "$STATE_DIR"
  printf '%s\n' "$RUNNER_SLOTS" >"$RUNNER_SLOTS_FILE"
}

# gpu_devices SLOT: the GPU indexes of runner slot SLOT ("2,3" for slot 1 of 2-GPU runners).
gpu_devices() {
  local first=$(($1 * GPUS_PER_RUNNER)) index devices=()
  for ((index = first; index < first + GPUS_PER_RUNNER; index++)); do devices+=("$index"); done
  local IFS=,
  printf '%s' "${devices[*]}"
}

# One container per runner slot, each replacing any left by an earlier boot, so every boot ends in the
# same state. Slot k is container app-k with its own GPUs, host port APP_PORT + k (the app listens on
# APP_PORT inside, as docs/container-contract.md says), metrics on 127.0.0.1:METRICS_PORT + k, and a
# share of /dev/shm. The grace and the environment follow the container contract.
run_containers() {
  local slot
  for ((slot = 0; slot < RUNNER_SLOTS; slot++)); do
    run_container "$slot"
  done
}

run_container() {
  local slot=$1 name="$CONTAINER_NAME-$1" shm_gib=$((SHM_GIB / RUNNER_SLOTS))
  local options=(
    --detach --name "$name" --restart unless-stopped
    --stop-timeout "$STOP_TIMEOUT_SECONDS"
    --publish "$((APP_PORT + slot)):$APP_PORT"
    --env-file "$ENV_FILE" --env "FAL_APP_NAME=$APP_NAME" --env "PORT=$APP_PORT"
    --env "FLEETFORM_APP_PORT=$APP_PORT" --env "FLEETFORM_TERMINATION_GRACE_SECONDS=$STOP_TIMEOUT_SECONDS"
  )
  if [[ -n $METRICS_PORT ]]; then
    options+=(--publish "127.0.0.1:$((METRICS_PORT + slot)):$METRICS_PORT" --env "FLEETFORM_METRICS_PORT=$METRICS_PORT")
  fi
  if ((GPUS_PER_RUNNER > 0)); then
    # docker's --gpus reads CSV: a device list with a comma must be quoted inside the value
    options+=(--gpus "\"device=$(gpu_devices "$slot")\"" --shm-size "$((shm_gib > 0 ? shm_gib : 1))g")
  fi
  cloud_log_options "$name"
  docker rm --force "$name" >/dev/null 2>&1 || true
  docker run "${options[@]}" "${DATA_OPTIONS[@]}" "${LOG_OPTIONS[@]}" "${ENTRYPOINT_OPTIONS[@]}" "$IMAGE" "${CONTAINER_ARGS[@]}" >/dev/null ||
    die "cannot start the app container $name"
}

# --- AWS --------------------------------------------------------------------------------------
readonly IMDS_URL=http://169.254.169.254
readonly PER_BOOT_SCRIPT="$ROOT/var/lib/cloud/scripts/per-boot/fleetform-runner.sh"
readonly IMAGE_DIGEST_TAG=fleetform:image-digest
readonly ECR_HOST_PATTERN='^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$'
ACCOUNT_ID=
INSTANCE_ID=

# imds PATH: one instance metadata item, over IMDSv2.
imds() {
  local token
  token="$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS_URL/latest/api/token")" &&
    curl -fsS -H "X-aws-ec2-metadata-token: $token" "$IMDS_URL/latest/$1"
}

# cloud-init runs user data on the first boot only, and per-boot scripts on every boot after it.
cloud_persist_for_reboots() {
  if [[ ! $0 -ef $PER_BOOT_SCRIPT ]]; then
    install -D -m 0700 "$0" "$PER_BOOT_SCRIPT"
  fi
}

cloud_identity() {
  ACCOUNT_ID="$(retry 10 3 aws sts get-caller-identity --region "$CLOUD_REGION" --query Account --output text)" ||
    die "cannot read the AWS account id (sts get-caller-identity)"
  INSTANCE_ID="$(retry 10 3 imds meta-data/instance-id)" || die "cannot read the instance id from IMDS"
}

# ecr_login HOST REGION
ecr_login() {
  aws ecr get-login-password --region "$2" | docker login --username AWS --password-stdin "$1" >/dev/null
}

# The platform's ECR repository in this region, pinned to the digest the launch template carries
# (as instance tag IMAGE_DIGEST_TAG), or the app's own image (with an ECR login when
# it lives in ECR; other private registries log in with their declared credentials).
cloud_login_platform_registry() {
  local host
  if [[ -z $IMAGE_REFERENCE ]]; then
    local digest
    host="$ACCOUNT_ID.dkr.ecr.$CLOUD_REGION.amazonaws.com"
    digest="$(retry 10 3 imds "meta-data/tags/instance/$IMAGE_DIGEST_TAG")" ||
      die "cannot read the image digest (instance tag $IMAGE_DIGEST_TAG) of $IMAGE_REPOSITORY:$IMAGE_TAG"
    IMAGE="$host/$IMAGE_REPOSITORY@$digest"
    retry 5 5 ecr_login "$host" "$CLOUD_REGION" || die "cannot log in to $host"
    return 0
  fi
  IMAGE=$IMAGE_REFERENCE
  host=${IMAGE_REFERENCE%%/*}
  if [[ $host =~ $ECR_HOST_PATTERN ]]; then
    retry 5 5 ecr_login "$host" "${BASH_REMATCH[1]}" || die "cannot log in to $host"
  fi
}

cloud_instance_type() { imds meta-data/instance-type; }

cloud_read_secret() {
  aws secretsmanager get-secret-value --region "$CLOUD_REGION" --secret-id "$1" --query SecretString --output text
}

efs_file_system() {
  aws efs describe-file-systems --region "$CLOUD_REGION" --creation-token "$DATA_VOLUME_NAME" \
    --query 'FileSystems[0].FileSystemId' --output text
}

# The EFS file system created with token DATA_VOLUME_NAME, over TLS when amazon-efs-utils is there.
cloud_mount_data_volume() {
  local target=$1 file_system
  file_system="$(retry 5 5 efs_file_system)" || die "cannot look up the EFS file system $DATA_VOLUME_NAME"
  if [[ -z $file_system || $file_system == None ]]; then
    die "no EFS file system with creation token $DATA_VOLUME_NAME in $CLOUD_REGION"
  fi
  if command -v mount.efs >/dev/null 2>&1; then
    retry 10 6 mount -t efs -o tls "$file_system:/" "$target" || die "cannot mount $file_system"
  else
    retry 10 6 mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport \
      "$file_system.efs.$CLOUD_REGION.amazonaws.com:/" "$target" || die "cannot mount $file_system"
  fi
}

# cloud_log_options CONTAINER: one log stream per container, <instance id>/<container>.
cloud_log_options() {
  LOG_OPTIONS=(
    --log-driver awslogs --log-opt "awslogs-region=$CLOUD_REGION" --log-opt "awslogs-group=$LOG_NAME"
    --log-opt "awslogs-stream=$INSTANCE_ID/$1" --log-opt mode=non-blocking --log-opt max-buffer-size=4m
  )
}

# --- Runner agent -----------------------------------------------------------------------------
# One small Python service (stdlib only) beside the app: the health bridge for POST health
# checks, the in-flight request metric, scale-in protection and, on AWS, the drain before
# termination. fleetform-drain does nothing while the runner runs; its stop, ordered before
# Docker's at shutdown, lets the app finish its requests (GCP deletions, any OS shutdown).
readonly AGENT_PATH="$ROOT/opt/fleetform/agent.py"
readonly AGENT_CONFIG="$STATE_DIR/agent.json"
readonly AGENT_UNIT="$ROOT/etc/systemd/system/fleetform-agent.service"
readonly DRAIN_UNIT="$ROOT/etc/systemd/system/fleetform-drain.service"

install_agent() {
  install -d -m 0755 "${AGENT_PATH%/*}" "${AGENT_UNIT%/*}"
  install -d -m 0700 "$STATE_DIR"
  cat >"$AGENT_PATH" <<'FLEETFORM_AGENT_SOURCE'
"""fleetform runner agent: a small service beside the app container on every runner.

A host carries one runner per ``num_gpus`` GPUs (its *slots*: the boot script writes their count to
``slots_file``); slot k is container ``<container>-k`` on app port + k and metrics port + k.

Duties, each enabled by /etc/fleetform/agent.json (rendered by fleetform from the plan):
  health_bridge  answers the load balancer's GET on the agent port by calling every slot's health
                 endpoint with its own method (POST with a {} body): 200 when each answers
                 2xx/3xx, 503 otherwise (the load balancer probes this one port for every slot).
  targets        (AWS, hosts of several slots) registers slots 1.. as their own targets
                 (instance:port) in the group's target group, the ASG having registered slot 0,
                 and deregisters them when the host drains.
  in_flight      on every wall-clock boundary of its interval, scrapes every slot's Prometheus
                 metrics, sums the in-flight request gauge over them and publishes it stamped with
                 that boundary (one sample per host), 0 included, as the group's metric (CloudWatch
                 or Cloud Monitoring). 0 only when it is true: the app serves the gauge, or the
                 app's port is closed (starting, stopped). When a slot's app serves but the gauge is
                 absent it publishes no count (an absent gauge is not an idle runner), logs why
                 (rate-limited) and flags the group's gauge-missing metric, which an alarm (AWS) or
                 alert policy (GCP) watches.
  protect        (AWS) sets the instance's scale-in protection while requests are in flight on any
                 slot and clears it after a debounce of idleness, so the ASG removes idle hosts first.
  drain          deregisters the slot targets, waits until no slot has a request in flight (up to
                 the plan's bound), then stops every slot's container (docker stop: its grace
                 period). On AWS when the ASG moves the instance towards Terminated (then completes
                 the termination lifecycle hook); on every cloud as ``agent.py CONFIG drain``, the
                 fleetform-drain unit's stop at shutdown.

Python 3.8+ standard library only: it runs on the stock OS images. The *_URL environment
variables exist for tests only.
"""

from __future__ import annotations

import json
import math
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from os import environ

AWS_IMDS_URL = environ.get("FLEETFORM_AGENT_AWS_IMDS_URL", "http://169.254.169.254")
GCP_METADATA_URL = environ.get("FLEETFORM_AGENT_GCP_METADATA_URL", "http://metadata.google.internal")
GCP_MONITORING_URL = environ.get("FLEETFORM_AGENT_GCP_MONITORING_URL", "https://monitoring.googleapis.com")
CLI_TIMEOUT_SECONDS = 60
TERMINATING_STATE = "Terminated"
"""The target lifecycle state IMDS reports while the instance waits in Terminating:Wait."""

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$")
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
LABEL_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}



class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hands a 3xx answer back to the caller (as an HTTPError) instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), KeepRedirects)
"""Every request goes direct (no proxy from the environment) and sees 3xx answers as they are."""


def log(message: str) -> None:
    print(f"fleetform-agent: {message}", file=sys.stderr, flush=True)


def http(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of one request; an HTTP error status is returned, not raised."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- Health bridge ---------------------------------------------------------------------------

def slot_is_healthy(bridge: dict, slot: int) -> bool:
    """Whether slot ``slot``'s app answers its health endpoint, called with its own method, with 2xx or 3xx in time."""
    post = bridge["method"] == "POST"
    url = f"http://127.0.0.1:{bridge['app_port'] + slot}{bridge['app_path']}"
    try:
        status, _ = http(url, bridge["method"], b"{}" if post else None,
                         {"Content-Type": "application/json"} if post else {}, bridge["timeout_seconds"])
    except (OSError, ValueError):
        return False
    return 200 <= status < 400


def app_is_healthy(bridge: dict, slots: int) -> bool:
    """Whether every slot's app is healthy: one probe port answers for all of the host's targets."""
    return all(slot_is_healthy(bridge, slot) for slot in range(slots))


def health_bridge_server(bridge: dict, slots: int) -> ThreadingHTTPServer:
    """The HTTP server load balancers probe: GET on the bridge path reports the apps' health."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            if self.path.split("?", 1)[0] != bridge["path"]:
                self.reply(404, b"not found\n")
            elif app_is_healthy(bridge, slots):
                self.reply(200, b"ok\n")
            else:
                self.reply(503, b"app unhealthy\n")

        def reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    server = ThreadingHTTPServer(("0.0.0.0", bridge["listen_port"]), Handler)
    server.daemon_threads = True
    return server


# --- In-flight requests ----------------------------------------------------------------------

def sum_samples(text: str, metric: str, labels: dict) -> float:
    """The sum of ``metric``'s samples carrying ``labels`` in Prometheus text; 0 when absent."""
    total = 0.0
    for line in text.splitlines():
        match = SAMPLE.match(line.strip())
        if match is None or match.group(1) != metric:
            continue
        found = {key: re.sub(r'\\[\\"n]', lambda m: LABEL_ESCAPES[m.group(0)], value)
                 for key, value in LABEL.findall(match.group(2) or "")}
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            total += sample_value(match.group(3))
    return total


def sample_value(text: str) -> float:
    """A sample's value; 0 for NaN, infinities and anything unreadable."""
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def declares(text: str, metric: str) -> bool:
    """Whether Prometheus text has ``metric`` at all: its ``# TYPE`` line or a sample.

    A labelled gauge no request has touched yet has its TYPE line and no sample: that is 0, not absent.
    """
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "TYPE" and parts[2] == metric:
                return True
            continue
        match = SAMPLE.match(line)
        if match is not None and match.group(1) == metric:
            return True
    return False


def port_is_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def read_slot_in_flight(in_flight: dict, slot: int) -> tuple[float | None, str]:
    """Slot ``slot``'s in-flight requests, or None and why when they cannot be known.

    0 when the app serves the gauge at 0, or when the app's port is closed (not started, or stopped:
    nothing can be in flight). None when the app serves but its metrics lack the gauge or do not answer.
    """
    url = f"http://127.0.0.1:{in_flight['metrics_port'] + slot}{in_flight['scrape_path']}"
    app_port = in_flight["app_port"] + slot
    try:
        status, body = http(url, timeout=in_flight["scrape_timeout_seconds"])
        problem = f"HTTP {status}"
    except (OSError, ValueError) as error:
        status, body, problem = 0, b"", str(error)
    if status == 200:
        text = body.decode("utf-8", "replace")
        if declares(text, in_flight["metric"]):
            return sum_samples(text, in_flight["metric"], in_flight["labels"]), ""
        return None, f"{url} has no {in_flight['metric']} gauge"
    if not port_is_open(app_port):
        return 0.0, ""
    return None, f"the app answers on port {app_port} but {url} does not ({problem})"


def read_in_flight(in_flight: dict, slots: int) -> tuple[float | None, str]:
    """The host's in-flight requests, summed over its slots; None and why when any slot's are unknown."""
    total = 0.0
    for slot in range(slots):
        value, why = read_slot_in_flight(in_flight, slot)
        if value is None:
            return None, why
        total += value
    return total, ""


class RateLimitedLog:
    """Logs a repeating problem when it starts, then at most once per ``every`` seconds, and when it ends."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.last = -math.inf
        self.suppressed = 0
        self.active = False

    def problem(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            self.suppressed += 1
            return
        repeats = f" ({self.suppressed} more times since the last report)" if self.suppressed else ""
        log(message + repeats)
        self.last, self.suppressed, self.active = now, 0, True

    def resolved(self, message: str) -> None:
        if self.active:
            log(message)
        self.last, self.suppressed, self.active = -math.inf, 0, False


def boundary_after(now: float, interval: float) -> float:
    """The first wall-clock multiple of ``interval`` after ``now`` (10-s boundaries: :00, :10, ...)."""
    return (math.floor(now / interval) + 1) * interval


def timestamp(when: float) -> str:
    """``when`` (Unix seconds) as ISO 8601 UTC with milliseconds, as CloudWatch and Cloud Monitoring read it."""
    return datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_cli(*argv: str) -> str:
    """A cloud CLI's output; a failure raises with its error text (the caller logs and carries on)."""
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=CLI_TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


class CloudWatchPublisher:
    """The group's metrics in CloudWatch, through the AWS CLI and the instance role: the in-flight count (when
    known) and whether the gauge is missing (1) or not (0), both stamped with the sample's boundary."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.publish_config = config["in_flight"]["publish"]

    def publish(self, when: float, value: float | None) -> None:
        spec = self.publish_config
        datums = [] if value is None else [self._datum(spec["metric_name"], when, value)]
        datums.append(self._datum(spec["missing_metric_name"], when, 1.0 if value is None else 0.0))
        run_cli("aws", "cloudwatch", "put-metric-data", "--region", self.config["region"],
                "--namespace", spec["namespace"], "--metric-data", json.dumps(datums, sort_keys=True))

    def _datum(self, name: str, when: float, value: float) -> dict:
        spec = self.publish_config
        return {"MetricName": name, "Dimensions": [{"Name": spec["dimension"], "Value": self.config["group"]}],
                "Timestamp": timestamp(when), "Value": value, "Unit": "Count",
                "StorageResolution": spec["storage_resolution"]}


class GcpMetadata:
    """The metadata server: instance facts and the service account's access token."""

    def __init__(self) -> None:
        self._token = ""
        self._token_expiry = 0.0

    def get(self, path: str) -> str:
        status, body = http(f"{GCP_METADATA_URL}/computeMetadata/v1/{path}", headers={"Metadata-Flavor": "Google"})
        if status != 200:
            raise RuntimeError(f"metadata {path}: HTTP {status}")
        return body.decode().strip()

    def token(self) -> str:
        if time.monotonic() >= self._token_expiry:
            grant = json.loads(self.get("instance/service-accounts/default/token"))
            self._token = grant["access_token"]
            self._token_expiry = time.monotonic() + max(0, int(grant.get("expires_in", 0)) - 60)
        return self._token


class CloudMonitoringPublisher:
    """The group's metrics in Cloud Monitoring, one ``generic_node`` series per runner and metric, labelled with the
    group and its region as the plan says (``resource_labels``), so each region's autoscaler sums only its own
    runners: the in-flight count (when known) and whether the gauge is missing (1) or not (0)."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.publish_config = config["in_flight"]["publish"]
        self.metadata = GcpMetadata()
        self.project = self.metadata.get("project/project-id")
        self.instance = self.metadata.get("instance/name")

    def publish(self, when: float, value: float | None) -> None:
        spec = self.publish_config
        series = [] if value is None else [self._series(spec["metric_type"], when, value)]
        series.append(self._series(spec["missing_metric_type"], when, 1.0 if value is None else 0.0))
        body = json.dumps({"timeSeries": series}, sort_keys=True).encode()
        headers = {"Authorization": f"Bearer {self.metadata.token()}", "Content-Type": "application/json"}
        status, answer = http(f"{GCP_MONITORING_URL}/v3/projects/{self.project}/timeSeries", "POST", body, headers)
        if status != 200:
            raise RuntimeError(f"timeSeries.create: HTTP {status}: {answer.decode(errors='replace')[:300]}")

    def _series(self, metric_type: str, when: float, value: float) -> dict:
        spec = self.publish_config
        return {
            "metric": {"type": metric_type},
            "resource": {"type": spec["resource_type"], "labels": {
                **spec["resource_labels"], "project_id": self.project, "node_id": self.instance}},
            "metricKind": spec["metric_kind"],
            "valueType": spec["value_type"],
            "points": [{"interval": {"endTime": timestamp(when)}, "value": {"doubleValue": value}}],
        }


PUBLISHERS = {"aws": CloudWatchPublisher, "gcp": CloudMonitoringPublisher}


ABSENT_LOG_SECONDS = 300
"""How often a lasting absent gauge is logged again."""


def publish_in_flight(config: dict, stop: threading.Event) -> None:
    """Publishes the in-flight count on every wall-clock boundary of the interval until stopped.

    Each sample is stamped with its boundary, so every runner's sample of a period lands in that
    period's bucket however long the scrape or the CLI took; a boundary missed while publishing is
    skipped, never published twice.
    """
    in_flight, slots = config["in_flight"], config["slots"]
    interval = in_flight["interval_seconds"]
    publisher = None
    protection = ScaleInProtection(config) if config.get("protect") else None
    absent = RateLimitedLog(ABSENT_LOG_SECONDS)
    boundary = boundary_after(time.time(), interval)
    while not stop.wait(max(0.0, boundary - time.time())):
        value, why = read_in_flight(in_flight, slots)
        if value is None:
            absent.problem(f"in-flight count unknown, none published: {why}")
        else:
            absent.resolved("in-flight gauge readable again")
        try:
            publisher = publisher or PUBLISHERS[config["cloud"]](config)
            publisher.publish(boundary, value)
        except Exception as error:  # noqa: BLE001 - the agent keeps publishing through transient failures
            log(f"in-flight metric not published: {error}")
        try:
            if protection:
                protection.update(boundary, value)
        except Exception as error:  # noqa: BLE001 - retried on the next sample
            log(f"scale-in protection not changed: {error}")
        boundary = boundary_after(max(time.time(), boundary), interval)


# --- Drain: a leaving runner finishes its requests ------------------------------------------

def wait_until_idle(config: dict) -> None:
    """Waits until the app has no request in flight, at most the drain's ``request_wait_seconds``.

    Without the in-flight duty (no metrics port) nothing can be read: the load balancer's draining
    (deregistration delay, connection draining) is then all a request gets.
    """
    drain, in_flight = config["drain"], config.get("in_flight")
    if not in_flight:
        return
    deadline = time.monotonic() + drain["request_wait_seconds"]
    while True:
        value, why = read_in_flight(in_flight, config["slots"])
        if value == 0:
            return
        if time.monotonic() >= deadline:
            log(f"drain: stopping with requests still in flight after {drain['request_wait_seconds']} s "
                f"({'unknown: ' + why if value is None else int(value)})")
            return
        time.sleep(min(drain["poll_seconds"], max(0.0, deadline - time.monotonic())))


def containers(config: dict) -> list:
    return [f"{config['container']}-{slot}" for slot in range(config["slots"])]


def drain_app(config: dict) -> None:
    """Takes the slot targets out of the load balancer, lets the requests finish, then stops every slot's app
    (``docker stop`` stops them together, each with its grace period: SIGTERM, then SIGKILL after
    ``termination_grace_period_seconds``)."""
    drain = config["drain"]
    if config.get("targets") and config["slots"] > 1:
        try:
            change_slot_targets(config, "deregister-targets")
        except Exception as error:  # noqa: BLE001 - the drain goes on
            log(f"drain: slot targets not deregistered: {error}")
    wait_until_idle(config)
    names = containers(config)
    log(f"drain: stopping {', '.join(names)}")
    try:
        subprocess.run(["docker", "stop", *names], stdout=subprocess.DEVNULL,
                       timeout=drain["stop_timeout_seconds"] + CLI_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"docker stop failed: {error}")


class Imds:
    """EC2 instance metadata over IMDSv2."""

    def __init__(self) -> None:
        self._token = ""
        self._token_expiry = 0.0

    def get(self, path: str) -> str | None:
        if time.monotonic() >= self._token_expiry:
            status, token = http(f"{AWS_IMDS_URL}/latest/api/token", "PUT",
                                 headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
            if status != 200:
                raise RuntimeError(f"IMDS token: HTTP {status}")
            self._token, self._token_expiry = token.decode(), time.monotonic() + 21000
        status, body = http(f"{AWS_IMDS_URL}/latest/{path}", headers={"X-aws-ec2-metadata-token": self._token})
        return body.decode().strip() if status == 200 else None


def drain_when_terminating(config: dict, stop: threading.Event) -> None:
    """(AWS) Watches the instance's target lifecycle state until the ASG terminates it, then drains once."""
    drain = config["drain"]
    imds = Imds()
    while not stop.wait(drain["poll_seconds"]):
        try:
            if imds.get("meta-data/autoscaling/target-lifecycle-state") == TERMINATING_STATE:
                instance_id = imds.get("meta-data/instance-id") or ""
                log(f"instance {instance_id} is terminating")
                drain_app(config)
                complete_lifecycle_action(config, instance_id)
                return
        except Exception as error:  # noqa: BLE001 - keep watching through transient failures
            log(f"lifecycle state not read: {error}")


def complete_lifecycle_action(config: dict, instance_id: str) -> None:
    """Lets the termination go on; retried, and the hook's heartbeat timeout continues it anyway."""
    for attempt in range(1, 6):
        try:
            run_cli("aws", "autoscaling", "complete-lifecycle-action", "--region", config["region"],
                    "--auto-scaling-group-name", config["group"], "--lifecycle-hook-name", config["drain"]["hook"],
                    "--lifecycle-action-result", "CONTINUE", "--instance-id", instance_id)
            log("lifecycle hook completed")
            return
        except Exception as error:  # noqa: BLE001 - retried, then the hook's timeout continues anyway
            log(f"complete-lifecycle-action attempt {attempt} failed: {error}")
            time.sleep(attempt)


def change_slot_targets(config: dict, operation: str) -> None:
    """(AWS) ``register-targets``/``deregister-targets`` of slots 1.. (``instance:app port + k``) in the target
    group the ASG names; the ASG itself (de)registers slot 0."""
    region, group = config["region"], config["group"]
    target_group = run_cli("aws", "autoscaling", "describe-auto-scaling-groups", "--region", region,
                           "--auto-scaling-group-names", group,
                           "--query", "AutoScalingGroups[0].TargetGroupARNs[0]", "--output", "text")
    if target_group in ("", "None"):
        raise RuntimeError(f"{group} names no target group")
    instance_id = Imds().get("meta-data/instance-id") or ""
    port = config["targets"]["app_port"]
    run_cli("aws", "elbv2", operation, "--region", region, "--target-group-arn", target_group, "--targets",
            *(f"Id={instance_id},Port={port + slot}" for slot in range(1, config["slots"])))


def register_slot_targets(config: dict, stop: threading.Event) -> None:
    """Registers slots 1.., retried until it succeeds: until then they get no traffic."""
    while True:
        try:
            change_slot_targets(config, "register-targets")
            return log("slot targets registered")
        except Exception as error:  # noqa: BLE001 - retried
            log(f"slot targets not registered: {error}")
        if stop.wait(config["targets"]["retry_seconds"]):
            return


class ScaleInProtection:
    """(AWS) Keeps a busy runner out of the ASG's scale-in choice: protected while requests are in flight,
    unprotected once it has been idle for ``idle_seconds`` (so a lull between requests does not expose it)."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.idle_seconds = config["protect"]["idle_seconds"]
        self.imds = Imds()
        self.instance_id = ""
        self.protected: bool | None = None
        """None until the agent has set it once (an agent restarted while protected must still clear it)."""
        self.idle_since: float | None = None

    def update(self, when: float, value: float | None) -> None:
        """Follows one in-flight reading at ``when``; an unknown count changes nothing."""
        if value is None:
            return
        if value > 0:
            self.idle_since = None
            wanted = True
        else:
            self.idle_since = when if self.idle_since is None else self.idle_since
            wanted = bool(self.protected) and when - self.idle_since < self.idle_seconds
        if wanted != self.protected:
            self._set(wanted)

    def _set(self, protected: bool) -> None:
        self.instance_id = self.instance_id or self.imds.get("meta-data/instance-id") or ""
        run_cli("aws", "autoscaling", "set-instance-protection", "--region", self.config["region"],
                "--auto-scaling-group-name", self.config["group"], "--instance-ids", self.instance_id,
                "--protected-from-scale-in" if protected else "--no-protected-from-scale-in")
        self.protected = protected


# --- Main ------------------------------------------------------------------------------------

def runner_slots(config: dict) -> int:
    """The runners this host carries, as the boot script wrote them (1 if it did not)."""
    try:
        with open(config["slots_file"], encoding="utf-8") as file:
            return max(1, int(file.read().strip()))
    except (OSError, ValueError) as error:
        log(f"runner slots unknown ({error}): serving one")
        return 1


def main(argv: list) -> int:
    """Runs the configured duties until SIGTERM (systemd stop); ``agent.py CONFIG drain`` drains once and exits
    (the ``fleetform-drain`` unit's stop, before Docker stops at shutdown)."""
    with open(argv[1], encoding="utf-8") as file:
        config = json.load(file)
    config["slots"] = runner_slots(config)
    if argv[2:] == ["drain"]:
        if config.get("drain"):
            drain_app(config)
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = health_bridge_server(config["health_bridge"], config["slots"]) if config.get("health_bridge") else None
    workers = [threading.Thread(target=server.serve_forever, daemon=True)] if server else []
    targets = bool(config.get("targets")) and config["slots"] > 1
    if targets:
        workers.append(threading.Thread(target=register_slot_targets, args=(config, stop), daemon=True))
    if config.get("in_flight"):
        workers.append(threading.Thread(target=publish_in_flight, args=(config, stop), daemon=True))
    if (config.get("drain") or {}).get("hook"):
        workers.append(threading.Thread(target=drain_when_terminating, args=(config, stop), daemon=True))
    if not workers:
        log("no duties for this runner")
        return 0
    for worker in workers:
        worker.start()
    duties = {"health_bridge": config.get("health_bridge"), "targets": targets, "in_flight": config.get("in_flight"),
              "protect": config.get("protect") and config.get("in_flight"),
              "drain": (config.get("drain") or {}).get("hook")}
    log(f"running ({config['slots']} slot(s)): " + ", ".join(duty for duty, on in duties.items() if on))
    while not stop.wait(1):
        pass
    if server:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
FLEETFORM_AGENT_SOURCE
  cat >"$AGENT_CONFIG" <<'FLEETFORM_AGENT_CONFIG'
{
  "cloud": "aws",
  "container": "app",
  "drain": {
    "hook": "fleetform-drain",
    "poll_seconds": 5,
    "request_wait_seconds": 3600,
    "stop_timeout_seconds": 30
  },
  "group": "acme-web-ui",
  "health_bridge": null,
  "in_flight": null,
  "protect": null,
  "region": "us-east-1",
  "slots_file": "/etc/fleetform/runner-slots",
  "targets": null
}
FLEETFORM_AGENT_CONFIG
  cat >"$AGENT_UNIT" <<'FLEETFORM_AGENT_UNIT'
[Unit]
Description=fleetform runner agent (health bridge, in-flight metric, drain)
Wants=network-online.target
After=network-online.target docker.service

[Service]
ExecStart=/usr/bin/python3 /opt/fleetform/agent.py /etc/fleetform/agent.json
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
FLEETFORM_AGENT_UNIT
  cat >"$DRAIN_UNIT" <<FLEETFORM_DRAIN_UNIT
[Unit]
Description=fleetform drain: at shutdown, the app finishes its requests before Docker stops
After=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/bin/python3 /opt/fleetform/agent.py /etc/fleetform/agent.json drain
TimeoutStopSec=$DRAIN_TIMEOUT_SECONDS

[Install]
WantedBy=multi-user.target
FLEETFORM_DRAIN_UNIT
  systemctl daemon-reload
  systemctl enable fleetform-agent.service fleetform-drain.service
  systemctl restart fleetform-agent.service
  # start, never restart: stopping the drain unit drains the app
  systemctl start fleetform-drain.service
}

# --- Boot -------------------------------------------------------------------------------------
main() {
  log "starting $APP_NAME (group $GROUP_NAME in $CLOUD_REGION)"
  cloud_persist_for_reboots
  wait_for_docker
  cloud_identity
  cloud_login_platform_registry
  untraced login_private_registries
  pull_image
  untraced write_env_file
  mount_data_volume
  decide_runner_slots
  install_agent
  wait_for_gpus
  run_containers
  log "started $IMAGE as $RUNNER_SLOTS runner(s): containers $CONTAINER_NAME-0..$((RUNNER_SLOTS - 1))"
}

main "$@"
