#!/bin/sh
# Runs one benchmark of mesh-benchmarks (build it first, see docs/benchmarks.md):
#   mesh-benchmarks/bench.sh PickerBenchmark -prof gc    (any JMH arguments)
#   mesh-benchmarks/bench.sh CallOverhead [seconds] [threads]
#   mesh-benchmarks/bench.sh TransportOverhead [seconds] [threads] [mesh transports, e.g. http-components,simple]
#   mesh-benchmarks/bench.sh CallCpu [rounds] [calls per client per round]
#   mesh-benchmarks/bench.sh SlowInstance [seconds per row] [calls per second]
#   mesh-benchmarks/bench.sh Failover [seconds] [calls per second]
#   mesh-benchmarks/bench.sh RetryAmplification [seconds per row] [calls per second]
#   mesh-benchmarks/bench.sh OverloadedInstance [seconds per row] [calls per second] [limited instance requests per second]
# --boot4 first runs the same sources on the Spring Boot 4 line, as mesh-benchmarks-boot4 builds them
# (TransportOverhead only; build that module first):
#   mesh-benchmarks/bench.sh --boot4 TransportOverhead 20 2
# JVM options go in JAVA_OPTS, e.g. a JFR recording:
#   JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/t.jfr,settings=profile' mesh-benchmarks/bench.sh TransportOverhead 20 2
set -e
dir=$(cd "$(dirname "$0")" && pwd)
if [ "$1" = "--boot4" ]; then
  dir="$dir/../mesh-benchmarks-boot4"
  shift
fi
if [ ! -f "$dir/target/classpath.txt" ]; then
  echo "No $dir/target/classpath.txt: build the module first (docs/benchmarks.md)" >&2
  exit 1
fi
cp="$dir/target/classes:$(cat "$dir/target/classpath.txt")"
name=$1
shift
case "$name" in
  *Benchmark*) exec java $JAVA_OPTS -cp "$cp" org.openjdk.jmh.Main "$name" "$@" ;;
  *) exec java $JAVA_OPTS -cp "$cp" "dev.mesh.benchmarks.$name" "$@" ;;
esac
