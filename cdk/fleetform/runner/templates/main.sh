
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
