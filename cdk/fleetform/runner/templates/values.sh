#!/bin/bash
# fleetform runner boot script: app @@app_name, group @@group_name, @@cloud @@cloud_region.
# Rendered from the platform plan by fleetform; change the plan and re-synth, never this file.
# It logs in to the registries, pulls the image, writes the app's secrets to an env file, mounts
# the shared data volume, installs the runner agent and starts the app container. Safe to re-run.
set -euo pipefail

# --- Plan values ------------------------------------------------------------------------------
readonly APP_NAME=@@app_name
readonly GROUP_NAME=@@group_name
readonly CLOUD_REGION=@@cloud_region
readonly APP_PORT=@@app_port
readonly METRICS_PORT=@@metrics_port
readonly GPUS_PER_INSTANCE=@@gpus_per_instance
readonly GPUS_PER_RUNNER=@@gpus_per_runner
readonly -A RUNNER_SLOTS_BY_TYPE=(@@runner_slots_by_type)
readonly UNIFORM_RUNNER_SLOTS=@@uniform_runner_slots
readonly SHM_GIB=@@shm_gib
readonly STOP_TIMEOUT_SECONDS=@@stop_timeout_seconds
readonly DRAIN_TIMEOUT_SECONDS=@@drain_timeout_seconds
readonly LOG_NAME=@@log_name
readonly IMAGE_REFERENCE=@@image_reference
readonly IMAGE_REPOSITORY=@@image_repository
readonly IMAGE_TAG=@@image_tag
readonly -a ENTRYPOINT_OPTIONS=(@@entrypoint_options)
readonly -a CONTAINER_ARGS=(@@container_args)
readonly -a REGISTRY_HOSTS=(@@registry_hosts)
readonly -a REGISTRY_USERNAMES=(@@registry_usernames)
readonly -a REGISTRY_PASSWORD_SECRET_IDS=(@@registry_password_secret_ids)
readonly -a APP_SECRET_NAMES=(@@app_secret_names)
readonly -a APP_SECRET_IDS=(@@app_secret_ids)
readonly DATA_VOLUME_NAME=@@data_volume_name
readonly DATA_VOLUME_PATH=@@data_volume_path
readonly -a DATA_MOUNTS=(@@data_mounts)
