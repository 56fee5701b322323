
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
