
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
