#!/bin/sh
# Runs inside a Debian booted by systemd-nspawn (test/packaging/boot.test.ts):
# installs the .deb with systemd running, watches the sandboxed service poll
# `rolewatch sim`, upgrades it, runs it without --jitless (with and without
# MemoryDenyWriteExecute=), purges it, and writes what it saw as KEY=VALUE
# lines to /harness/out, then powers off.
# Arguments: the .deb, the IMDS, AWS and HTTP ports.
deb=$1 imds_port=$2 aws_port=$3 http_port=$4
out=/harness/out
node=/usr/lib/rolewatch/node
say() { echo "$1=$2" >> "$out"; }
prop() { systemctl show -p "$2" --value "$1"; }
get() { "$node" -e 'fetch(process.argv[1]).then(async (r) => console.log(r.status, await r.text()), () => console.log(0))' "$1" 2>/dev/null; }

# The service is to poll the simulator, which the package's own node runs.
cat > /etc/systemd/system/rolewatch-sim.service <<EOF
[Service]
ExecStart=$node /usr/lib/rolewatch/dist/main.js sim --imds-port $imds_port --aws-port $aws_port
EOF
mkdir -p /etc/systemd/system/rolewatch.service.d
cat > /etc/systemd/system/rolewatch.service.d/sim.conf <<EOF
[Unit]
Requires=rolewatch-sim.service
After=rolewatch-sim.service
[Service]
Environment=AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$imds_port AWS_ENDPOINT_URL=http://127.0.0.1:$aws_port ROLEWATCH_HTTP_LISTEN=127.0.0.1:$http_port
EOF

ready() {
  for _ in $(seq 60); do
    case $(get "http://127.0.0.1:$http_port/readyz") in 200*) return 0 ;; esac
    sleep 0.5
  done
  return 1
}

DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" > /harness/dpkg.log 2>&1
say install "$?"
ready; say ready "$?"
say active "$(prop rolewatch ActiveState)"
pid=$(prop rolewatch MainPID)
say uid "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
say seccomp "$(awk '/^Seccomp:/ { print $2 }' "/proc/$pid/status")"
say no_new_privs "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$pid/status")"
say status "$(get "http://127.0.0.1:$http_port/status" | tr -d '\n')"
say metrics_imds_up "$(get "http://127.0.0.1:$http_port/metrics" | awk '/^rolewatch_imds_up / { print $2 }')"
say exposure "$(systemd-analyze security --no-pager rolewatch | sed -n 's/.*exposure level for rolewatch.service: \([0-9.]*\).*/\1/p')"

# An upgrade (here to the same version) restarts the service.
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >> /harness/dpkg.log 2>&1
say upgrade "$?"
ready; say restarted "$([ "$(prop rolewatch MainPID)" != "$pid" ] && echo yes || echo no)"

# Without --jitless, V8's JIT meets MemoryDenyWriteExecute= and node dies at start.
printf '[Service]\nEnvironment=NODE_OPTIONS=\nRestart=no\n' > /etc/systemd/system/rolewatch.service.d/jit.conf
systemctl daemon-reload
systemctl restart rolewatch
sleep 3
say jit_result "$(prop rolewatch Result)"
# ... and MemoryDenyWriteExecute= is what kills it: without both, it runs.
printf '[Service]\nEnvironment=NODE_OPTIONS=\nMemoryDenyWriteExecute=no\n' > /etc/systemd/system/rolewatch.service.d/jit.conf
systemctl daemon-reload
systemctl reset-failed rolewatch
systemctl start rolewatch
ready; say jit_without_mdwe "$?"
systemctl stop rolewatch
rm /etc/systemd/system/rolewatch.service.d/jit.conf
systemctl daemon-reload
systemctl reset-failed rolewatch
systemctl start rolewatch
ready; say jitless_again "$?"

DEBIAN_FRONTEND=noninteractive dpkg -P rolewatch >> /harness/dpkg.log 2>&1
say purge "$?"
say load_after_purge "$(prop rolewatch LoadState)"
say state_after_purge "$([ -e /var/lib/private/rolewatch ] && echo kept || echo gone)"
say done yes
systemctl poweroff
