#!/bin/sh
# Runs one benchmark of mesh-benchmarks (build it first, see docs/benchmarks.md):
#   mesh-benchmarks/bench.sh PickerBenchmark -prof gc    (any JMH arguments)
#   mesh-benchmarks/bench.sh CallOverhead [seconds] [threads]
#   mesh-benchmarks/bench.sh TransportOverhead [seconds] [threads]
#   mesh-benchmarks/bench.sh CallCpu [rounds] [calls per client per round]
#   mesh-benchmarks/bench.sh SlowInstance [seconds per row] [calls per second]
#   mesh-benchmarks/bench.sh Failover [seconds] [calls per second]
#   mesh-benchmarks/bench.sh RetryAmplification [seconds per row] [calls per second]
set -e
dir=$(cd "$(dirname "$0")" && pwd)
cp="$dir/target/classes:$(cat "$dir/target/classpath.txt")"
name=$1
shift
case "$name" in
  *Benchmark*) exec java -cp "$cp" org.openjdk.jmh.Main "$name" "$@" ;;
  *) exec java -cp "$cp" "dev.mesh.benchmarks.$name" "$@" ;;
esac
