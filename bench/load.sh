#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The load benchmark: starts an OpenCCM server as its own process on a fresh database (in the PostgreSQL at
# 127.0.0.1:5432 when it answers, else the server's embedded one), on a free loopback port, in simulation mode (so
# that simulated SEV-SNP evidence can be bound to fresh challenges and CSRs), then drives it from a second JVM
# (org.openccm.bench.load.LoadDriver) and prints p50/p99, errors and the achieved rate of POST /v1/builds,
# POST /v1/attestation and POST /v1/attestation/explain at 50, 100 and 200 requests/s and closed loop. The table also
# goes to bench/results/load-<date>.md. The server is stopped and the database dropped afterwards.
#
#   bench/load.sh                                   # everything (about 5 minutes, plus the build when needed)
#   bench/load.sh --rates 200 --only explain        # the driver's options pass through (LoadDriver's usage)
#
# Environment: JAVA_HOME (default: Temurin 25), OPENCCM_LOAD_PG_HOST/PORT/USER (default 127.0.0.1/5432/postgres),
# OPENCCM_LOAD_SERVER_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/load.jfr to profile the server),
# OPENCCM_LOAD_REBUILD=1 to build even when the jars exist.
set -euo pipefail

cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
SERVER_JAR=server/target/openccm-server-exec.jar
BENCH_JAR=bench/target/benchmarks.jar
PG_HOST=${OPENCCM_LOAD_PG_HOST:-127.0.0.1}
PG_PORT=${OPENCCM_LOAD_PG_PORT:-5432}
PG_USER=${OPENCCM_LOAD_PG_USER:-postgres}

if [[ ! -f $SERVER_JAR || ! -f $BENCH_JAR || ${OPENCCM_LOAD_REBUILD:-0} == 1 ]]; then
  echo "load.sh: building the server and the driver" >&2
  ./mvnw -B -q -pl server,bench -am package -DskipTests
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/openccm-load.XXXXXX")
SERVER_PID=
KDS_PID=
DATABASE=
cleanup() {
  # The server first: the database cannot be dropped while it holds connections.
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n $KDS_PID ]]; then kill "$KDS_PID" 2>/dev/null || true; wait "$KDS_PID" 2>/dev/null || true; fi
  if [[ -n $DATABASE ]]; then dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$DATABASE" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

NOTE="server and driver on the same machine, loopback"
if pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
  DATABASE=openccm_load_$(date +%Y%m%d%H%M%S)_$$
  createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DATABASE"
  export OPENCCM_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DATABASE" OPENCCM_DB_USER=$PG_USER OPENCCM_DB_PASSWORD=
  NOTE="$NOTE; PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -Atc 'SHOW server_version' | cut -d' ' -f1) at $PG_HOST:$PG_PORT"
  echo "load.sh: database $DATABASE on $PG_HOST:$PG_PORT" >&2
else
  NOTE="$NOTE; embedded PostgreSQL"
  echo "load.sh: no PostgreSQL at $PG_HOST:$PG_PORT, the server starts its embedded one" >&2
fi

# AMD's CRL for Milan, served on loopback as the KDS serves it, so that explain checks revocation (fail-closed, the
# default) with the real CRL: it is current at the sample's clock. No network is used.
KDS_PORT=$(free_port)
mkdir -p "$WORK/kds/vcek/v1/Milan"
cp testdata/sev-snp/kds/amd-milan-crl-2025-05-06.der "$WORK/kds/vcek/v1/Milan/crl"
python3 -m http.server "$KDS_PORT" --bind 127.0.0.1 --directory "$WORK/kds" >"$WORK/kds.log" 2>&1 &
KDS_PID=$!

"$JAVA" -cp "$BENCH_JAR" org.openccm.bench.load.LoadDriver init-simulation "$WORK/simulation"

PORT=$(free_port)
ADMIN_EMAIL=load@openccm.local
ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
# shellcheck disable=SC2086 # the options are words
OPENCCM_HTTP_PORT=$PORT \
OPENCCM_DATA_DIR="$WORK/data" \
OPENCCM_ADMIN_EMAIL=$ADMIN_EMAIL \
OPENCCM_ADMIN_PASSWORD=$ADMIN_PASSWORD \
OPENCCM_SIMULATION_ROOTS="$WORK/simulation/simulation-roots.pem" \
OPENCCM_COLLATERAL_AMD_URL="http://127.0.0.1:$KDS_PORT" \
OPENCCM_COLLATERAL_INTEL_URL=off \
OPENCCM_COLLATERAL_INTEL_ROOT_CRL_URL=off \
OPENCCM_COLLATERAL_NVIDIA_RIM_URL=off \
OPENCCM_COLLATERAL_NVIDIA_OCSP_URL=off \
  "$JAVA" ${OPENCCM_LOAD_SERVER_JAVA_OPTS:-} -jar "$SERVER_JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
echo "load.sh: server (pid $SERVER_PID) starting on 127.0.0.1:$PORT, log $WORK/server.log" >&2

for _ in $(seq 1 180); do
  if curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "load.sh: the server stopped:" >&2; tail -50 "$WORK/server.log" >&2; exit 1
  fi
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { echo "load.sh: the server is not ready after 180 s" >&2; exit 1; }
echo "load.sh: server ready" >&2

RESULT=bench/results/load-$(date +%Y-%m-%d).md
touch "$WORK/started"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
"$JAVA" -cp "$BENCH_JAR" org.openccm.bench.load.LoadDriver run \
  --server "http://127.0.0.1:$PORT" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --simulation "$WORK/simulation" --testdata testdata --out "$RESULT" \
  --note "$NOTE; load average before the run $LOAD (other work shares the machine)" "$@"
# Other processes on a shared machine take CPU from both: say how busy it was.
if [[ $RESULT -nt $WORK/started ]]; then
  printf '\nLoad average after the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)" | tee -a "$RESULT"
fi
