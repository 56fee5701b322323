
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
@@agent_source
FLEETFORM_AGENT_SOURCE
  cat >"$AGENT_CONFIG" <<'FLEETFORM_AGENT_CONFIG'
@@agent_config
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
