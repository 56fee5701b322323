#!/bin/bash
# fleetform runner boot script: app web-ui, group acme-web-ui, gcp us-central1.
# Rendered from the platform plan by fleetform; change the plan and re-synth, never this file.
# It logs in to the registries, pulls the image, writes the app's secrets to an env file, mounts
# the shared data volume, installs the runner agent and starts the app container. Safe to re-run.
set -euo pipefail

# --- Plan values ------------------------------------------------------------------------------
readonly APP_NAME=web-ui
readonly GROUP_NAME=acme-web-ui
readonly CLOUD_REGION=us-central1
readonly APP_PORT=8000
readonly METRICS_PORT=''
readonly GPUS_PER_INSTANCE=0
readonly SHM_SIZE=8g
readonly STOP_TIMEOUT_SECONDS=30
readonly LOG_NAME=/acme/private/web-ui
readonly IMAGE_REFERENCE=ghcr.io/acme/web-ui:1.4.2
readonly IMAGE_REPOSITORY=acme/web-ui
readonly IMAGE_TAG=''
readonly -a ENTRYPOINT_OPTIONS=(--entrypoint python)
readonly -a CONTAINER_ARGS=(-m web_ui --port 8000)
readonly -a REGISTRY_HOSTS=(ghcr.io)
readonly -a REGISTRY_USERNAMES=(acme-bot)
readonly -a REGISTRY_PASSWORD_SECRET_IDS=(acme-GHCR_TOKEN)
readonly -a APP_SECRET_NAMES=()
readonly -a APP_SECRET_IDS=()
readonly DATA_VOLUME_NAME=acme-data
readonly DATA_VOLUME_PATH=/data
readonly -a DATA_MOUNTS=()

# --- Shared steps -----------------------------------------------------------------------------
# The cloud part below defines: cloud_identity, cloud_login_platform_registry (sets IMAGE),
# cloud_read_secret ID, cloud_mount_data_volume TARGET, cloud_log_options (sets LOG_OPTIONS) and
# cloud_persist_for_reboots.

# Every path the script writes lies under FLEETFORM_ROOT, unset on a runner; tests point it at a
# scratch folder to run the script unchanged.
readonly ROOT="${FLEETFORM_ROOT:-}"
readonly STATE_DIR="$ROOT/etc/fleetform"
readonly ENV_FILE="$STATE_DIR/app.env"
readonly DATA_HOST_PATH="$ROOT/mnt/fleetform-data"
readonly CONTAINER_NAME=app
export HOME="${HOME:-/root}"
IMAGE=
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

# Replaces any container left by an earlier boot, so every boot ends in the same state. The ports,
# the grace and the environment follow docs/container-contract.md.
run_container() {
  local options=(
    --detach --name "$CONTAINER_NAME" --restart unless-stopped
    --stop-timeout "$STOP_TIMEOUT_SECONDS"
    --publish "$APP_PORT:$APP_PORT"
    --env-file "$ENV_FILE" --env "FAL_APP_NAME=$APP_NAME" --env "PORT=$APP_PORT"
    --env "FLEETFORM_APP_PORT=$APP_PORT" --env "FLEETFORM_TERMINATION_GRACE_SECONDS=$STOP_TIMEOUT_SECONDS"
  )
  if [[ -n $METRICS_PORT ]]; then
    options+=(--publish "127.0.0.1:$METRICS_PORT:$METRICS_PORT" --env "FLEETFORM_METRICS_PORT=$METRICS_PORT")
  fi
  if ((GPUS_PER_INSTANCE > 0)); then options+=(--gpus all --shm-size "$SHM_SIZE"); fi
  cloud_log_options
  docker rm --force "$CONTAINER_NAME" >/dev/null 2>&1 || true
  docker run "${options[@]}" "${DATA_OPTIONS[@]}" "${LOG_OPTIONS[@]}" "${ENTRYPOINT_OPTIONS[@]}" "$IMAGE" "${CONTAINER_ARGS[@]}" >/dev/null ||
    die "cannot start the app container"
}

# --- GCP --------------------------------------------------------------------------------------
readonly METADATA_URL=http://metadata.google.internal/computeMetadata/v1
readonly PLATFORM_REGISTRY_HOST=us-docker.pkg.dev
readonly IMAGE_METADATA_KEY=fleetform-image
readonly GOOGLE_REGISTRY_PATTERN='^([a-z0-9-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$'
readonly FILESTORE_SHARE=data
readonly LOG_NAME_LABEL=fleetform_log
PROJECT_ID=

# metadata PATH: one item from the metadata server.
metadata() {
  curl -fsS -H 'Metadata-Flavor: Google' "$METADATA_URL/$1"
}

# Compute Engine runs the startup script on every boot already.
cloud_persist_for_reboots() { :; }

cloud_identity() {
  PROJECT_ID="$(retry 10 3 metadata project/project-id)" || die "cannot read the project from the metadata server"
}

# configure_docker HOST: docker authenticates to HOST with the instance's service account.
configure_docker() {
  gcloud auth configure-docker "$1" --quiet >/dev/null 2>&1
}

# The platform's Artifact Registry image pinned by digest (instance metadata IMAGE_METADATA_KEY,
# which the instance template carries), or the app's own image (with the service account's
# login when it lives in Artifact Registry or Container Registry).
cloud_login_platform_registry() {
  local host=$PLATFORM_REGISTRY_HOST
  if [[ -z $IMAGE_REFERENCE ]]; then
    IMAGE="$(retry 10 3 metadata "instance/attributes/$IMAGE_METADATA_KEY")" ||
      die "cannot read the pinned image (metadata $IMAGE_METADATA_KEY) of $IMAGE_REPOSITORY:$IMAGE_TAG"
  else
    IMAGE=$IMAGE_REFERENCE
    host=${IMAGE_REFERENCE%%/*}
    if [[ ! $host =~ $GOOGLE_REGISTRY_PATTERN ]]; then return 0; fi
  fi
  retry 5 5 configure_docker "$host" || die "cannot configure docker for $host"
}

cloud_read_secret() {
  gcloud secrets versions access latest --secret "$1" --project "$PROJECT_ID"
}

filestore_instances() {
  gcloud filestore instances list --project "$PROJECT_ID" --format 'value(name,networks[0].ipAddresses[0])'
}

# The IP address of the Filestore instance DATA_VOLUME_NAME in this region or one of its zones.
filestore_address() {
  local listing name address location
  listing="$(retry 5 5 filestore_instances)" || die "cannot list Filestore instances"
  while read -r name address; do
    location=${name#*/locations/}
    location=${location%%/*}
    if [[ ${name##*/} == "$DATA_VOLUME_NAME" && ($location == "$CLOUD_REGION" || $location == "$CLOUD_REGION"-?) ]]; then
      printf '%s\n' "$address"
      return 0
    fi
  done <<<"$listing"
  die "no Filestore instance $DATA_VOLUME_NAME in $CLOUD_REGION"
}

cloud_mount_data_volume() {
  local target=$1 address
  address="$(filestore_address)"
  retry 10 6 mount -t nfs -o hard,timeo=600,retrans=3 "$address:/$FILESTORE_SHARE" "$target" ||
    die "cannot mount $address:/$FILESTORE_SHARE"
}

cloud_log_options() {
  LOG_OPTIONS=(
    --log-driver gcplogs --log-opt "gcp-project=$PROJECT_ID" --log-opt "labels=$LOG_NAME_LABEL"
    --label "$LOG_NAME_LABEL=$LOG_NAME" --log-opt mode=non-blocking --log-opt max-buffer-size=4m
  )
}

# --- Runner agent -----------------------------------------------------------------------------
# One small Python service (stdlib only) beside the app: the health bridge for POST health
# checks, the in-flight request metric, and on AWS the drain before termination.
readonly AGENT_PATH="$ROOT/opt/fleetform/agent.py"
readonly AGENT_CONFIG="$STATE_DIR/agent.json"
readonly AGENT_UNIT="$ROOT/etc/systemd/system/fleetform-agent.service"

install_agent() {
  install -d -m 0755 "${AGENT_PATH%/*}" "${AGENT_UNIT%/*}"
  install -d -m 0700 "$STATE_DIR"
  cat >"$AGENT_PATH" <<'FLEETFORM_AGENT_SOURCE'
"""fleetform runner agent: a small service beside the app container on every runner.

Duties, each enabled by /etc/fleetform/agent.json (rendered by fleetform from the plan):
  health_bridge  answers the load balancer's GET on the agent port by calling the app's health
                 endpoint with its own method (POST with a {} body): 200 when the app answers
                 2xx/3xx, 503 otherwise.
  in_flight      scrapes the app's Prometheus metrics, sums the in-flight request gauge and
                 publishes it, 0 included, as the group's metric (CloudWatch or Cloud Monitoring).
  drain          (AWS) when the ASG moves the instance towards Terminated, stops the app (which
                 waits its stop timeout) and completes the termination lifecycle hook.

Python 3.8+ standard library only: it runs on the stock OS images. The *_URL environment
variables exist for tests only.
"""

from __future__ import annotations

import json
import math
import re
import signal
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

def app_is_healthy(bridge: dict) -> bool:
    """Whether the app answers its health endpoint, called with its own method, with 2xx or 3xx in time."""
    post = bridge["method"] == "POST"
    try:
        status, _ = http(bridge["app_url"], bridge["method"], b"{}" if post else None,
                         {"Content-Type": "application/json"} if post else {}, bridge["timeout_seconds"])
    except (OSError, ValueError):
        return False
    return 200 <= status < 400


def health_bridge_server(bridge: dict) -> ThreadingHTTPServer:
    """The HTTP server load balancers probe: GET on the bridge path reports the app's health."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            if self.path.split("?", 1)[0] != bridge["path"]:
                self.reply(404, b"not found\n")
            elif app_is_healthy(bridge):
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


def scrape(in_flight: dict) -> float:
    """The app's in-flight requests; 0 when the app does not answer (not started, or stopped)."""
    try:
        status, body = http(in_flight["scrape_url"], timeout=in_flight["scrape_timeout_seconds"])
    except (OSError, ValueError):
        return 0.0
    if status != 200:
        return 0.0
    return sum_samples(body.decode("utf-8", "replace"), in_flight["metric"], in_flight["labels"])


def run_cli(*argv: str) -> str:
    """A cloud CLI's output; a failure raises with its error text (the caller logs and carries on)."""
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=CLI_TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


class CloudWatchPublisher:
    """The group's metric in CloudWatch, through the AWS CLI and the instance role."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.publish_config = config["in_flight"]["publish"]

    def publish(self, value: float) -> None:
        spec = self.publish_config
        datum = {"MetricName": spec["metric_name"], "Dimensions": [{"Name": spec["dimension"], "Value": self.config["group"]}],
                 "Value": value, "Unit": "Count", "StorageResolution": spec["storage_resolution"]}
        run_cli("aws", "cloudwatch", "put-metric-data", "--region", self.config["region"],
                "--namespace", spec["namespace"], "--metric-data", json.dumps([datum], sort_keys=True))


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
    """The group's metric in Cloud Monitoring, one ``generic_node`` series per runner in the group's namespace."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.publish_config = config["in_flight"]["publish"]
        self.metadata = GcpMetadata()
        self.project = self.metadata.get("project/project-id")
        self.zone = self.metadata.get("instance/zone").rsplit("/", 1)[-1]
        self.instance = self.metadata.get("instance/name")

    def publish(self, value: float) -> None:
        spec = self.publish_config
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        series = {
            "metric": {"type": spec["metric_type"]},
            "resource": {"type": spec["resource_type"], "labels": {
                "project_id": self.project, "location": self.zone,
                spec["group_label"]: self.config["group"], "node_id": self.instance}},
            "metricKind": spec["metric_kind"],
            "valueType": spec["value_type"],
            "points": [{"interval": {"endTime": now}, "value": {"doubleValue": value}}],
        }
        body = json.dumps({"timeSeries": [series]}, sort_keys=True).encode()
        headers = {"Authorization": f"Bearer {self.metadata.token()}", "Content-Type": "application/json"}
        status, answer = http(f"{GCP_MONITORING_URL}/v3/projects/{self.project}/timeSeries", "POST", body, headers)
        if status != 200:
            raise RuntimeError(f"timeSeries.create: HTTP {status}: {answer.decode(errors='replace')[:300]}")


PUBLISHERS = {"aws": CloudWatchPublisher, "gcp": CloudMonitoringPublisher}


def publish_in_flight(config: dict, stop: threading.Event) -> None:
    """Publishes the in-flight count every interval until stopped, through failures of either side."""
    in_flight = config["in_flight"]
    publisher = None
    while True:
        try:
            publisher = publisher or PUBLISHERS[config["cloud"]](config)
            publisher.publish(scrape(in_flight))
        except Exception as error:  # noqa: BLE001 - the agent keeps publishing through transient failures
            log(f"in-flight metric not published: {error}")
        if stop.wait(in_flight["interval_seconds"]):
            return


# --- Drain on termination (AWS) --------------------------------------------------------------

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
    """Watches the instance's target lifecycle state until the ASG terminates it, then drains once."""
    drain = config["drain"]
    imds = Imds()
    while not stop.wait(drain["poll_seconds"]):
        try:
            if imds.get("meta-data/autoscaling/target-lifecycle-state") == TERMINATING_STATE:
                drain_and_continue(config, imds.get("meta-data/instance-id") or "")
                return
        except Exception as error:  # noqa: BLE001 - keep watching through transient failures
            log(f"lifecycle state not read: {error}")


def drain_and_continue(config: dict, instance_id: str) -> None:
    """Stops the app (in-flight requests get the stop timeout) and lets the termination go on."""
    drain = config["drain"]
    log(f"instance {instance_id} is terminating: stopping {config['container']}")
    try:
        subprocess.run(["docker", "stop", config["container"]], stdout=subprocess.DEVNULL,
                       timeout=drain["stop_timeout_seconds"] + CLI_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"docker stop failed: {error}")
    for attempt in range(1, 6):
        try:
            run_cli("aws", "autoscaling", "complete-lifecycle-action", "--region", config["region"],
                    "--auto-scaling-group-name", config["group"], "--lifecycle-hook-name", drain["hook"],
                    "--lifecycle-action-result", "CONTINUE", "--instance-id", instance_id)
            log("lifecycle hook completed")
            return
        except Exception as error:  # noqa: BLE001 - retried, then the hook's timeout continues anyway
            log(f"complete-lifecycle-action attempt {attempt} failed: {error}")
            time.sleep(attempt)


# --- Main ------------------------------------------------------------------------------------

def main(argv: list) -> int:
    """Runs the configured duties until SIGTERM (systemd stop)."""
    with open(argv[1], encoding="utf-8") as file:
        config = json.load(file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = health_bridge_server(config["health_bridge"]) if config.get("health_bridge") else None
    workers = [threading.Thread(target=server.serve_forever, daemon=True)] if server else []
    for duty, target in (("in_flight", publish_in_flight), ("drain", drain_when_terminating)):
        if config.get(duty):
            workers.append(threading.Thread(target=target, args=(config, stop), daemon=True))
    if not workers:
        log("no duties for this runner")
        return 0
    for worker in workers:
        worker.start()
    log("running: " + ", ".join(duty for duty in ("health_bridge", "in_flight", "drain") if config.get(duty)))
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
  "cloud": "gcp",
  "container": "app",
  "drain": null,
  "group": "acme-web-ui",
  "health_bridge": null,
  "in_flight": null,
  "region": "us-central1"
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
  systemctl daemon-reload
  systemctl enable fleetform-agent.service
  systemctl restart fleetform-agent.service
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
  install_agent
  wait_for_gpus
  run_container
  log "started $IMAGE as container $CONTAINER_NAME"
}

main "$@"
