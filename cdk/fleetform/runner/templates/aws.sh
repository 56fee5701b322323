
# --- AWS --------------------------------------------------------------------------------------
readonly IMDS_URL=http://169.254.169.254
readonly PER_BOOT_SCRIPT="$ROOT/var/lib/cloud/scripts/per-boot/fleetform-runner.sh"
readonly IMAGE_DIGEST_TAG=@@image_digest_tag
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
