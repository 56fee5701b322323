
# --- GCP --------------------------------------------------------------------------------------
readonly METADATA_URL=http://metadata.google.internal/computeMetadata/v1
readonly PLATFORM_REGISTRY_HOST=@@platform_registry_host
readonly IMAGE_METADATA_KEY=@@image_metadata_key
readonly GOOGLE_REGISTRY_PATTERN='^([a-z0-9-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$'
readonly FILESTORE_SHARE=@@filestore_share
readonly LOG_NAME_LABEL=@@log_name_label
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

# The machine type's name (the metadata server gives projects/<n>/machineTypes/<name>).
cloud_instance_type() {
  local machine_type
  machine_type="$(metadata instance/machine-type)" && printf '%s\n' "${machine_type##*/}"
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

# cloud_log_options CONTAINER: gcplogs names the container in each entry's metadata itself.
cloud_log_options() {
  LOG_OPTIONS=(
    --log-driver gcplogs --log-opt "gcp-project=$PROJECT_ID" --log-opt "labels=$LOG_NAME_LABEL"
    --label "$LOG_NAME_LABEL=$LOG_NAME" --log-opt mode=non-blocking --log-opt max-buffer-size=4m
  )
}
