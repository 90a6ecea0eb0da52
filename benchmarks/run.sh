#!/usr/bin/env bash
# Runs a Rocklet benchmark suite and prints one line per figure: RESULT <name> <value> <unit>,
# after a header naming the date, JDK, machine and (per figure) flush mode.
#
#   benchmarks/run.sh store [--quick]   the storage engine: scenarios + JMH, about 2-3 minutes
#   benchmarks/run.sh local [--quick]   the embedded broker (router + broker + clients in one JVM), about 2 minutes
#   benchmarks/run.sh grpc [--quick]    a broker server JVM (router + broker) and a client JVM over gRPC on loopback,
#                                       about 1.5 minutes
#   benchmarks/run.sh schedule [--quick] timed delivery error at 10 k due/s, heap with 1 M pending timers, SQL92 vs
#                                       tag filter throughput (embedded broker), about 3 minutes
#   benchmarks/run.sh txn [--quick]     transactions: begin + commit from 4 threads next to plain sync sends of the same
#                                       run (embedded broker; the local suite's txn group alone), about 30 s
#   benchmarks/run.sh ha [--quick]      replication: a master and a slave in one JVM over the local transport, send
#                                       throughput with and without SYNC replication and the ASYNC lag; then the
#                                       failover time across JVMs (3 controllers, 3 brokers, SIGKILL), about 2 minutes
#   benchmarks/run.sh metrics [--quick] the broker's metrics: bytes allocated per message sent and pulled and send
#                                       throughput without and with a Prometheus registry, about 30 s
#
# A suite is a function named suite_<name> below.
#
# Environment:
#   ROCKLET_BENCH_DIR          where data files go (default /tmp); a real disk, not tmpfs
#   ROCKLET_BENCH_JAVA_OPTS    heap/GC options of the scenario JVM (default: -Xms2g -Xmx2g -XX:+UseParallelGC)
#   ROCKLET_BENCH_SKIP_BUILD=1 use the jar already in benchmarks/target
#   ROCKLET_BENCH_FLUSH        grpc suite: the broker's flush mode, async (default) or sync
#
# Full logs (JMH report, store logs) go to benchmarks/target/bench-results/<suite>-<time>/.
set -euo pipefail

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_HOME")
JAR="$BENCH_HOME/target/rocklet-benchmarks.jar"
SUITES="store local grpc schedule ha txn metrics"

usage()
{
    echo "usage: $0 <suite> [--quick]" >&2
    echo "  suites: $SUITES" >&2
    echo "  --quick: short runs to check the harness (figures are not meaningful)" >&2
}

# The JVM flags Chronicle needs on Java 17+, from the root pom (the one place they are listed).
chronicle_flags()
{
    sed -n 's:.*<chronicle.jvm.flags>\(.*\)</chronicle.jvm.flags>.*:\1:p' "$ROOT/pom.xml"
}

# build <modules>: packages the modules quietly, offline first, online if a dependency is missing.
build()
{
    if [[ "${ROCKLET_BENCH_SKIP_BUILD:-0}" == "1" && -f "$JAR" ]]; then
        return 0
    fi
    (cd "$ROOT" && { mvn -q -o package -DskipTests -pl "$1" -am >/dev/null 2>&1 ||
        mvn -q package -DskipTests -pl "$1" -am; })
}

# header <suite>: what the figures were measured on.
header()
{
    local cpu ram fs
    cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    ram=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
    fs=$(df -PT "$DATA_DIR" | awk 'NR == 2 {printf "%s, %.0f GiB free", $2, $5 / 1048576}')
    echo "# Rocklet benchmarks: suite=$1$([[ $QUICK == 1 ]] && echo ' (QUICK: harness check only)')"
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    java -version 2>&1 | sed 's/^/# jdk: /'
    echo "# machine: nproc=$(nproc), cpu=$cpu, ram=$ram, kernel=$(uname -r)"
    echo "# data: $DATA_DIR ($fs)"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "# jvm: $JAVA_OPTS $(chronicle_flags)"
    echo "# logs: $LOG_DIR"
}

# run_java <log> <main class> <args...>: runs a benchmark main; stdout is the figures, stderr goes to <log>.
run_java()
{
    local log=$1 main=$2
    shift 2
    local status=0
    # shellcheck disable=SC2086,SC2046
    java $(chronicle_flags) $JAVA_OPTS -Dchronicle.analytics.disable=true -cp "$JAR" "$main" "$@" 2>"$log" ||
        status=$?
    if [[ $status != 0 ]]; then
        echo "# $main exited with status $status; last lines of $log:"
        tail -n 20 "$log" | sed 's/^/#   /'
    fi
    return $status
}

suite_store()
{
    local scenario_args=() jmh_args=() status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args=(--warmup-ms 300 --measure-ms 700 --sync-warmup-ms 200 --sync-measure-ms 500
            --read-messages 1000000 --recovery-bytes 1100000000)
        jmh_args=(--warmup 1 --iterations 1)
    fi
    build api,core-store,benchmarks
    header store
    run_java "$LOG_DIR/store-scenarios.log" io.rocklet.benchmarks.store.StoreScenarios \
        --dir "$DATA_DIR" "${scenario_args[@]}" || status=1
    run_java "$LOG_DIR/jmh-stderr.log" io.rocklet.benchmarks.jmh.JmhSuite \
        --dir "$DATA_DIR" --log-dir "$LOG_DIR" "${jmh_args[@]}" || status=1
    return $status
}

# The embedded broker: first start-ups and the idle footprint each in a fresh JVM, then the scenarios in one JVM.
# Ephemeral instances make their temporary directories under java.io.tmpdir, pointed at $DATA_DIR here.
suite_local()
{
    local scenario_args=(--dir "$DATA_DIR") idle_args=() status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
        idle_args=(--settle-ms 1000)
    fi
    build api,core-store,routing,transport-local,benchmarks
    # Log lines carry the time of day so that the logs show where start-up and close spend their time.
    JAVA_OPTS="$JAVA_OPTS -Djava.io.tmpdir=$DATA_DIR -Dorg.slf4j.simpleLogger.showDateTime=true"
    JAVA_OPTS="$JAVA_OPTS -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
    header local
    echo "# flush mode: ASYNC for every figure (EmbeddedRocklet's default; ephemeral stores do not fsync at all)"
    run_java "$LOG_DIR/local-first-start-ephemeral.log" io.rocklet.benchmarks.local.FirstStart \
        --mode ephemeral || status=1
    run_java "$LOG_DIR/local-first-start-persistent.log" io.rocklet.benchmarks.local.FirstStart \
        --mode persistent --dir "$DATA_DIR" || status=1
    run_java "$LOG_DIR/local-idle.log" io.rocklet.benchmarks.local.IdleFootprint "${idle_args[@]}" || status=1
    # the throughput and latency figures run on a pre-touched heap, as a latency-sensitive service would
    JAVA_OPTS="$JAVA_OPTS -XX:+AlwaysPreTouch" run_java "$LOG_DIR/local-scenarios.log" \
        io.rocklet.benchmarks.local.LocalScenarios "${scenario_args[@]}" || status=1
    return $status
}

# Transactions (issue 13): the local suite's txn group alone, txn.commit.128b.t4 next to txn.send.128b.sync.t4 and
# their ratio, ASYNC flush.
suite_txn()
{
    local scenario_args=(--dir "$DATA_DIR" --only txn) status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
    fi
    build api,core-store,routing,transport-local,benchmarks
    JAVA_OPTS="$JAVA_OPTS -Djava.io.tmpdir=$DATA_DIR"
    header txn
    echo "# flush mode: ASYNC (EmbeddedRocklet's default; ephemeral stores do not fsync at all)"
    JAVA_OPTS="$JAVA_OPTS -XX:+AlwaysPreTouch" run_java "$LOG_DIR/txn-scenarios.log" \
        io.rocklet.benchmarks.local.LocalScenarios "${scenario_args[@]}" || status=1
    return $status
}

# The standalone servers over gRPC: the scenario JVM (the only client) starts the server JVM (a router and a broker,
# io.rocklet.benchmarks.grpc.BenchServer) as a child with the same heap settings, and stops it at the end.
suite_grpc()
{
    local scenario_args=(--dir "$DATA_DIR" --server-log "$LOG_DIR/grpc-server.log") status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
    fi
    build api,core-store,routing,transport-local,transport-grpc,benchmarks
    local log_time="-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
    # both JVMs run on a pre-touched heap, as latency-sensitive services would
    JAVA_OPTS="$JAVA_OPTS -XX:+AlwaysPreTouch"
    header grpc
    echo "# flush mode: ${ROCKLET_BENCH_FLUSH:-async} for every figure (the broker server's store; StoreConfig defaults otherwise)"
    echo "# server jvm: $JAVA_OPTS $log_time (+ the Chronicle flags), log $LOG_DIR/grpc-server.log"
    JAVA_OPTS="$JAVA_OPTS $log_time" run_java "$LOG_DIR/grpc-scenarios.log" io.rocklet.benchmarks.grpc.GrpcScenarios \
        "${scenario_args[@]}" --flush "${ROCKLET_BENCH_FLUSH:-async}" --server-jvm "$JAVA_OPTS $log_time" || status=1
    return $status
}

# Scheduled delivery and filters: the timer's figures in one JVM (persistent brokers in $DATA_DIR), then the filter
# group of the local scenarios in another.
suite_schedule()
{
    local scenario_args=(--dir "$DATA_DIR") filter_args=(--dir "$DATA_DIR" --only filter) status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
        filter_args+=(--quick)
    fi
    build api,core-store,routing,transport-local,transport-grpc,benchmarks
    JAVA_OPTS="$JAVA_OPTS -Djava.io.tmpdir=$DATA_DIR"
    header schedule
    echo "# flush mode: ASYNC for every figure (EmbeddedRocklet's default; the filter figures on an ephemeral store)"
    run_java "$LOG_DIR/schedule-scenarios.log" io.rocklet.benchmarks.schedule.ScheduleScenarios \
        "${scenario_args[@]}" || status=1
    run_java "$LOG_DIR/schedule-filter.log" io.rocklet.benchmarks.local.LocalScenarios "${filter_args[@]}" || status=1
    return $status
}

# Replication (issue 10): a replica set (router, master, slave) in one JVM over the local transport, stores under
# $DATA_DIR (ASYNC flush); then the failover figure on the multi-JVM harness of transport-grpc's test jar (child JVMs,
# their logs copied to $LOG_DIR/failover-1).
suite_ha()
{
    local scenario_args=(--dir "$DATA_DIR") status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
    fi
    build api,core-store,routing,transport-local,transport-grpc,benchmarks
    header ha
    echo "# flush mode: ASYNC for the throughput and lag figures (master and slave in one JVM); SYNC for ha.failover_ms"
    run_java "$LOG_DIR/ha-scenarios.log" io.rocklet.benchmarks.ha.HaScenarios "${scenario_args[@]}" || status=1
    # the failover figure: router, 3 controllers, 3 brokers and a producer, each a child JVM of this one
    run_java "$LOG_DIR/ha-failover.log" io.rocklet.benchmarks.ha.HaFailover --dir "$DATA_DIR" \
        --log-dir "$LOG_DIR" || status=1
    return $status
}

suite_metrics()
{
    local scenario_args=() status=0
    if [[ $QUICK == 1 ]]; then
        scenario_args+=(--quick)
    fi
    build api,core-store,routing,transport-local,transport-grpc,benchmarks
    JAVA_OPTS="$JAVA_OPTS -Djava.io.tmpdir=$DATA_DIR"
    header metrics
    echo "# flush mode: ASYNC (an ephemeral store: no fsync); send and pull on the calling thread, no network"
    run_java "$LOG_DIR/metrics-overhead.log" io.rocklet.benchmarks.metrics.MetricsOverhead \
        "${scenario_args[@]}" || status=1
    return $status
}

main()
{
    local suite=$1 start status=0
    start=$(date +%s)
    "suite_$suite" || status=$?
    echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# suite $suite took $(( $(date +%s) - start )) s, status $status"
    return $status
}

SUITE=${1:-}
QUICK=0
if [[ ${2:-} == "--quick" ]]; then
    QUICK=1
elif [[ -n ${2:-} ]]; then
    usage
    exit 2
fi
if [[ -z $SUITE ]] || ! declare -F "suite_$SUITE" >/dev/null; then
    usage
    exit 2
fi

JAVA_OPTS=${ROCKLET_BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseParallelGC}
BASE_DIR=${ROCKLET_BENCH_DIR:-/tmp}
mkdir -p "$BASE_DIR"
if [[ $(stat -f -c %T "$BASE_DIR") == "tmpfs" ]]; then
    echo "warning: $BASE_DIR is tmpfs; page faults there are slow and nothing reaches a disk" >&2
fi
DATA_DIR=$(mktemp -d "$BASE_DIR/rocklet-bench.XXXXXX")
trap 'rm -rf "$DATA_DIR"' EXIT
LOG_DIR="$BENCH_HOME/target/bench-results/$SUITE-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$LOG_DIR"

set +e
main "$SUITE" | tee "$LOG_DIR/results.txt"
exit "${PIPESTATUS[0]}"
