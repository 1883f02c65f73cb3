#!/usr/bin/env bash
# Runs the mesh samples on this machine with no Docker and no Consul (Spring profile "local"):
#   inventory on 8081 (weight 3) and 8082 (weight 1), order on 8080, listing both inventories statically.
#
# Usage:
#   ./mesh-local.sh [--no-build]   build the samples, start them, wait until healthy, run until Ctrl-C
#   ./mesh-local.sh traffic [N]    send N orders (default 100) to the running order service and print
#                                  how many each inventory instance served
#
# Needs a JDK (17+) and curl. Logs go to .local-run/<service>.log. Environment: ORDER_URL for traffic
# (default http://localhost:8080), SKU (default SKU-1).
set -euo pipefail

cd "$(dirname "$0")"

RUN_DIR=.local-run
HEALTH_TIMEOUT_SECONDS=90
ORDER_URL=${ORDER_URL:-http://localhost:8080}
SKU=${SKU:-SKU-1}

PIDS=()
NAMES=()

die() {
	echo "mesh-local: $*" >&2
	exit 1
}

# The runnable (repackaged) jar of a sample module.
exec_jar() {
	local jar
	jar=$(ls "$1"/target/"$1"-*-exec.jar 2>/dev/null | head -n 1 || true)
	[[ -n "$jar" ]] || die "no runnable jar in $1/target; run without --no-build"
	echo "$jar"
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_log_tail() {
	echo "---- last lines of $RUN_DIR/$1.log ----" >&2
	tail -n 40 "$RUN_DIR/$1.log" >&2 || true
	echo "----" >&2
}

stop_all() {
	local i
	for i in "${!PIDS[@]}"; do
		if kill -0 "${PIDS[$i]}" 2>/dev/null; then
			echo "stopping ${NAMES[$i]} (pid ${PIDS[$i]})"
			kill "${PIDS[$i]}" 2>/dev/null || true
		fi
	done
	for i in "${!PIDS[@]}"; do
		wait "${PIDS[$i]}" 2>/dev/null || true
	done
	PIDS=()
}

# start NAME PORT JAR [ARGS...]
start() {
	local name=$1 port=$2 jar=$3
	shift 3
	port_in_use "$port" && die "port $port is already in use; stop whatever listens there and try again"
	java -jar "$jar" --spring.profiles.active=local --server.port="$port" "$@" >"$RUN_DIR/$name.log" 2>&1 &
	PIDS+=("$!")
	NAMES+=("$name")
	echo "started $name on port $port (pid $!, log $RUN_DIR/$name.log)"
}

# wait_healthy NAME PORT PID
wait_healthy() {
	local name=$1 port=$2 pid=$3
	local deadline=$((SECONDS + HEALTH_TIMEOUT_SECONDS))
	until curl -fsS "http://localhost:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log_tail "$name"
			die "$name exited before it became healthy"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail "$name"
			die "$name did not report UP on http://localhost:$port/actuator/health within ${HEALTH_TIMEOUT_SECONDS}s"
		fi
		sleep 1
	done
	echo "$name is UP"
}

run() {
	local build=true
	case "${1:-}" in
		"") ;;
		--no-build) build=false ;;
		*) die "unknown option '$1' (expected: --no-build, or: traffic [N])" ;;
	esac
	command -v java >/dev/null || die "java not found; install a JDK 17 or newer"
	command -v curl >/dev/null || die "curl not found"
	mkdir -p "$RUN_DIR"

	if $build; then
		echo "building the samples (./mvnw -B -q -DskipTests package) ..."
		./mvnw -B -q -DskipTests package -pl mesh-sample-inventory,mesh-sample-order -am
	fi
	local inventory_jar order_jar
	inventory_jar=$(exec_jar mesh-sample-inventory)
	order_jar=$(exec_jar mesh-sample-order)

	trap stop_all EXIT
	trap 'exit 130' INT TERM

	start inventory-8081 8081 "$inventory_jar" --mesh.instance.weight=3
	start inventory-8082 8082 "$inventory_jar" --mesh.instance.weight=1
	start order 8080 "$order_jar"
	wait_healthy inventory-8081 8081 "${PIDS[0]}"
	wait_healthy inventory-8082 8082 "${PIDS[1]}"
	wait_healthy order 8080 "${PIDS[2]}"

	cat <<EOF

All up: inventory on 8081 (weight 3) and 8082 (weight 1), order on 8080. Try:
  curl -i http://localhost:8081/api/stock/SKU-1
  curl -i -X POST http://localhost:8080/api/orders -H 'Content-Type: application/json' -d '{"sku":"SKU-1","quantity":2}'
  curl -i http://localhost:8080/api/orders/<orderId from the answer>
  curl -i -X POST http://localhost:8080/api/orders -H 'Content-Type: application/json' -d '{"sku":"SKU-1","quantity":0}'
  ./mesh-local.sh traffic 100      # expect about 75 / 25
Logs: $RUN_DIR/*.log. Press Ctrl-C to stop everything.
EOF

	# Stay in the foreground; if a service dies, say so and stop the others.
	local i
	while sleep 2; do
		for i in "${!PIDS[@]}"; do
			if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
				show_log_tail "${NAMES[$i]}"
				die "${NAMES[$i]} stopped unexpectedly; stopping the others"
			fi
		done
	done
}

traffic() {
	local n=${1:-100}
	[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "traffic: N must be a positive number, got '$n'"
	command -v curl >/dev/null || die "curl not found"
	curl -fsS "$ORDER_URL/actuator/health" >/dev/null 2>&1 || die "order is not running at $ORDER_URL; start it with ./mesh-local.sh"

	echo "sending $n orders for $SKU to $ORDER_URL ..."
	local i reply status instance
	for ((i = 1; i <= n; i++)); do
		reply=$(curl -sS -X POST "$ORDER_URL/api/orders" -H 'Content-Type: application/json' \
			-d "{\"sku\":\"$SKU\",\"quantity\":1}" -w $'\n%{http_code}' 2>/dev/null) || reply=$'\nconnection failed'
		status=${reply##*$'\n'}
		if [[ "$status" == 201 ]]; then
			instance=$(sed -n 's/.*"inventoryInstance" *: *"\([^"]*\)".*/\1/p' <<<"${reply%$'\n'*}")
			echo "${instance:-(no inventoryInstance)}"
		else
			echo "failed: HTTP $status"
		fi
	done | sort | uniq -c | awk -v n="$n" '{ count = $1; $1 = ""; printf "%6d  %5.1f%%  %s\n", count, 100 * count / n, substr($0, 2) }'
}

case "${1:-}" in
	traffic) shift; traffic "$@" ;;
	-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' ;;
	*) run "$@" ;;
esac
