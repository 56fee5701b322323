
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
