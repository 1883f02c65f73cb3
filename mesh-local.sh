#!/usr/bin/env bash
# Runs the mesh samples on this machine with no Docker and no Consul (Spring profile "local"):
#   the sample authorization server on 9000, inventory on 8081 (weight 3) and 8082 (weight 1), order on
#   8080, listing both inventories statically. Order calls inventory with its own token from auth.
#   Both inventories keep stock, reservations and Idempotency-Keys in one H2 database server on 9092
#   (local connections only; files in .local-run/inventory-db), so a POST the mesh retries on the other
#   instance is not reserved twice. Every run starts with a fresh database: stock is back to
#   application.yml's counts.
#
# Usage:
#   ./mesh-local.sh [--no-build] [--boot4-order]
#                                  build the samples, start them, wait until healthy, run until Ctrl-C.
#                                  --no-build: use the jars an earlier build left in */target.
#                                  --boot4-order: order is the Spring Boot 4 build of the same sources
#                                  (mesh-sample-order-boot4, mesh-boot4-starter) on 8080 with the same
#                                  settings, calling the Spring Boot 3.5 inventories: a mixed fleet
#   ./mesh-local.sh traffic [N]    send N orders (default 100) to the running order service and print
#                                  how many each inventory instance served
#   ./mesh-local.sh failover [N]   send N orders (default 100) and stop inventory 8082 after half of them;
#                                  prints the split before and after and how many orders failed (expect 0).
#                                  The running ./mesh-local.sh then starts 8082 again.
#
# Needs only a JDK (17+): health checks use bash's /dev/tcp, traffic runs scripts/MeshTraffic.java, the
# database server is H2 from the inventory jar. Logs go to .local-run/<service>.log. Environment: ORDER_URL
# for traffic and failover (default http://localhost:8080), SKU (default SKU-1), HEALTH_TIMEOUT_SECONDS
# (how long each service may take to start, default 120; raise it on a busy machine).
set -euo pipefail

cd "$(dirname "$0")"

RUN_DIR=.local-run
AUTH_PORT=9000
AUTH_ISSUER="http://localhost:$AUTH_PORT"
DB_PORT=9092
# "./": H2 refuses a database path that is only implicitly relative to the working directory.
DB_DIR=./$RUN_DIR/inventory-db
HEALTH_TIMEOUT_SECONDS=${HEALTH_TIMEOUT_SECONDS:-120}
ORDER_URL=${ORDER_URL:-http://localhost:8080}
SKU=${SKU:-SKU-1}

# One entry per started service, same index in each.
NAMES=()
PORTS=()
ARGS=()
PIDS=()

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

# health PORT: prints http://localhost:PORT/actuator/health (status line, headers, body) using bash only.
health() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
		if command -v timeout >/dev/null; then timeout 5 cat <&3; else cat <&3; fi
	) 2>/dev/null || true
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
	rm -f "$RUN_DIR"/*.pid "$RUN_DIR"/*.stopping
}

# start NAME PORT JAR [ARGS...]: registers a Spring Boot service and launches it
start() {
	start_java "$1" "$2" -jar "${@:3}" --spring.profiles.active=local --server.port="$2"
}

# start_database JAR: registers the inventories' H2 database server (local connections only) and launches
# it. H2 is inside the inventory jar; Spring Boot's PropertiesLauncher runs its main class from there.
# -ifNotExists: the first inventory to connect creates the database (a fresh one each run, see run()).
start_database() {
	start_java inventory-db "$DB_PORT" -cp "$1" -Dloader.main=org.h2.tools.Server \
		org.springframework.boot.loader.launch.PropertiesLauncher -tcp -tcpPort "$DB_PORT" -ifNotExists -baseDir "$DB_DIR"
}

# start_java NAME PORT JAVA_ARGS...: registers a service and launches it
start_java() {
	NAMES+=("$1")
	PORTS+=("$2")
	ARGS+=("${*:3}")
	launch $((${#NAMES[@]} - 1))
}

# launch INDEX: (re)starts service INDEX
launch() {
	local i=$1
	local name=${NAMES[$i]} port=${PORTS[$i]}
	port_in_use "$port" && die "port $port is already in use; stop whatever listens there and try again"
	# ARGS[i] is java's arguments, none of which contains a space.
	# shellcheck disable=SC2086
	java ${ARGS[$i]} >>"$RUN_DIR/$name.log" 2>&1 &
	PIDS[i]=$!
	echo "$!" >"$RUN_DIR/$name.pid"
	echo "started $name on port $port (pid $!, log $RUN_DIR/$name.log)"
}

# wait_listening INDEX: waits until service INDEX accepts connections on its port
wait_listening() {
	local name=${NAMES[$1]} port=${PORTS[$1]} pid=${PIDS[$1]}
	local deadline=$((SECONDS + HEALTH_TIMEOUT_SECONDS))
	until port_in_use "$port"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log_tail "$name"
			die "$name exited before it listened on port $port"
		fi
		if ((SECONDS >= deadline)); then
			show_log_tail "$name"
			die "$name did not listen on port $port within ${HEALTH_TIMEOUT_SECONDS}s"
		fi
		sleep 1
	done
	echo "$name is listening on $port"
}

# wait_healthy INDEX
wait_healthy() {
	local name=${NAMES[$1]} port=${PORTS[$1]} pid=${PIDS[$1]}
	local deadline=$((SECONDS + HEALTH_TIMEOUT_SECONDS))
	until health "$port" | grep -q '"status":"UP"'; do
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
	local build=true order_module=mesh-sample-order order_line="Spring Boot 3.5" arg
	for arg in "$@"; do
		case "$arg" in
			--no-build) build=false ;;
			--boot4-order) order_module=mesh-sample-order-boot4 order_line="Spring Boot 4" ;;
			*) die "unknown option '$arg' (expected: --no-build, --boot4-order, or: traffic [N], failover [N])" ;;
		esac
	done
	command -v java >/dev/null || die "java not found; install a JDK 17 or newer"
	mkdir -p "$RUN_DIR"

	if $build; then
		echo "building the samples (./mvnw -B -q -DskipTests package) ..."
		./mvnw -B -q -DskipTests package -pl "mesh-sample-auth,mesh-sample-inventory,$order_module" -am
	fi
	local auth_jar inventory_jar order_jar name
	auth_jar=$(exec_jar mesh-sample-auth)
	inventory_jar=$(exec_jar mesh-sample-inventory)
	order_jar=$(exec_jar "$order_module")
	for name in auth inventory-db inventory-8081 inventory-8082 order; do
		: >"$RUN_DIR/$name.log"
	done
	rm -f "$RUN_DIR"/*.stopping
	# A fresh database each run: stock starts at application.yml's counts, and nothing an earlier run left
	# (data, the lock file of a killed server) is in the way. A database server still running from an
	# earlier run keeps its files: say so rather than delete them under it.
	port_in_use "$DB_PORT" && die "port $DB_PORT is already in use (an inventory database left by an earlier run?); stop whatever listens there and try again"
	rm -rf "$DB_DIR"

	trap stop_all EXIT
	trap 'exit 130' INT TERM

	# The issuer and the inventories' database first: inventory checks tokens against the issuer and keeps
	# its data in the database; order asks the issuer for tokens.
	local db_url="jdbc:h2:tcp://localhost:$DB_PORT/inventory"
	start auth "$AUTH_PORT" "$auth_jar" --AUTH_ISSUER="$AUTH_ISSUER"
	start_database "$inventory_jar"
	wait_healthy 0
	wait_listening 1
	start inventory-8081 8081 "$inventory_jar" --mesh.instance.weight=3 --mesh.instance.version=1.4 --AUTH_ISSUER="$AUTH_ISSUER" \
		--spring.datasource.url="$db_url"
	start inventory-8082 8082 "$inventory_jar" --mesh.instance.weight=1 --mesh.instance.version=1.5 --AUTH_ISSUER="$AUTH_ISSUER" \
		--spring.datasource.url="$db_url"
	# The same settings whichever Boot line order is built for.
	start order 8080 "$order_jar" --AUTH_ISSUER="$AUTH_ISSUER"
	wait_healthy 2
	wait_healthy 3
	wait_healthy 4

	cat <<EOF

All up: auth on $AUTH_PORT, inventory on 8081 (weight 3) and 8082 (weight 1) sharing the H2 database on
$DB_PORT, order ($order_line) on 8080. Try:
  curl -i -X POST http://localhost:8080/api/orders -H 'Content-Type: application/json' -d '{"sku":"SKU-1","quantity":2}'
  curl -i http://localhost:8080/api/orders/<orderId from the answer>
  curl -i http://localhost:8081/api/stock/SKU-1        # 401: inventory wants a token
  TOKEN=\$(curl -s -u order:order-secret -d grant_type=client_credentials -d scope=inventory.read \\
      $AUTH_ISSUER/oauth2/token | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -i -H "Authorization: Bearer \$TOKEN" http://localhost:8081/api/stock/SKU-1
  curl -s http://localhost:8080/actuator/prometheus | grep mesh_client
  ./mesh-local.sh traffic 100      # expect about 75 / 25
  ./mesh-local.sh failover 100     # stops inventory 8082 half-way; expect 0 failed orders
Logs: $RUN_DIR/*.log. Press Ctrl-C to stop everything.
EOF

	# Stay in the foreground. A service that "failover" stopped is started again; if any other service
	# dies, say so and stop the others.
	local i
	while sleep 2; do
		for i in "${!PIDS[@]}"; do
			if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
				wait "${PIDS[$i]}" 2>/dev/null || true
				if [[ -e "$RUN_DIR/${NAMES[$i]}.stopping" ]]; then
					rm -f "$RUN_DIR/${NAMES[$i]}.stopping"
					echo "${NAMES[$i]} was stopped by failover; starting it again"
					launch "$i"
				else
					show_log_tail "${NAMES[$i]}"
					die "${NAMES[$i]} stopped unexpectedly; stopping the others"
				fi
			fi
		done
	done
}

# send_orders N [PIDFILE NAME]: MeshTraffic.java sends the orders (and stops PIDFILE's process half-way)
send_orders() {
	local n=$1
	[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number, got '$n'"
	command -v java >/dev/null || die "java not found; install a JDK 17 or newer"
	local port=${ORDER_URL##*:}
	port=${port%%/*}
	health "$port" | grep -q '"status":"UP"' || die "order is not running at $ORDER_URL; start it with ./mesh-local.sh"
	echo "sending $n orders for $SKU to $ORDER_URL ..."
	java scripts/MeshTraffic.java "$ORDER_URL" "$n" "$SKU" "${@:2}"
}

failover() {
	local name=inventory-8082
	[[ -s "$RUN_DIR/$name.pid" ]] || die "no $RUN_DIR/$name.pid; start the mesh with ./mesh-local.sh first"
	# Tells the running ./mesh-local.sh that this stop is on purpose, so it restarts 8082.
	: >"$RUN_DIR/$name.stopping"
	send_orders "${1:-100}" "$RUN_DIR/$name.pid" "$name"
}

case "${1:-}" in
	traffic) shift; send_orders "${1:-100}" ;;
	failover) shift; failover "$@" ;;
	-h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' ;;
	*) run "$@" ;;
esac
