#!/usr/bin/env bash
# Makes sure Redis (REDIS_URL) and PostgreSQL (DATABASE_URL) answer before Hookline starts or tests run.
#
#   bash scripts/ensure-services.sh                 # users: start what is down with Docker Compose, else say what to run
#   bash scripts/ensure-services.sh --local-start   # CI: start the machine's own redis-server / PostgreSQL cluster
#   bash scripts/ensure-services.sh --check         # only report; exit 1 when either is down
#
# Only services on a loopback host are started; a remote URL that does not answer is reported, never "fixed".
set -euo pipefail

cd "$(dirname "$0")/.."

mode=docker
case "${1:-}" in
  '') ;;
  --local-start) mode=local ;;
  --check) mode=check ;;
  -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "ensure-services: unknown option '$1' (use --local-start, --check or nothing)" >&2; exit 2 ;;
esac

redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
database_url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hookline}"
wait_seconds="${SERVICES_WAIT_SECONDS:-30}"

say() { printf 'ensure-services: %s\n' "$*"; }

# Sets url_host and url_port from a URL such as scheme://user:pass@host:port/path?query ([::1] for IPv6).
parse_url() {
  local rest="${1#*://}" default_port="$2" hostport
  hostport="${rest%%/*}"
  hostport="${hostport%%\?*}"
  hostport="${hostport##*@}"
  if [[ "$hostport" =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    url_host="${BASH_REMATCH[1]}"
    url_port="${BASH_REMATCH[3]:-$default_port}"
  elif [[ "$hostport" == *:* ]]; then
    url_host="${hostport%%:*}"
    url_port="${hostport##*:}"
  else
    url_host="$hostport"
    url_port="$default_port"
  fi
  url_host="${url_host:-localhost}"
  url_port="${url_port:-$default_port}"
}

is_loopback() {
  case "$1" in
    localhost | ::1 | 127.*) return 0 ;;
    *) return 1 ;;
  esac
}

tcp_open() {
  timeout 3 bash -c ": </dev/tcp/$1/$2" 2>/dev/null
}

redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    local tls=()
    [[ "$redis_url" == rediss://* ]] && tls=(--tls)
    # Any answer means a server is there (NOAUTH/WRONGPASS are the app's business, not "down").
    local reply
    reply=$(timeout 3 redis-cli "${tls[@]}" --no-auth-warning -u "$redis_url" ping 2>&1) || true
    [[ "$reply" == PONG || "$reply" == *NOAUTH* || "$reply" == *WRONGPASS* || "$reply" == *"AUTH failed"* ]]
  else
    tcp_open "$redis_host" "$redis_port"
  fi
}

postgres_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    # Exit 0 = accepting connections; 1 = still starting; 2/3 = nothing there.
    pg_isready -q -h "$postgres_host" -p "$postgres_port" -t 3
  else
    tcp_open "$postgres_host" "$postgres_port"
  fi
}

wait_until_up() {
  local name="$1" check="$2" deadline=$((SECONDS + wait_seconds))
  until "$check"; do
    if ((SECONDS >= deadline)); then
      say "$name did not answer within ${wait_seconds}s."
      return 1
    fi
    sleep 0.5
  done
  say "$name is up."
}

parse_url "$redis_url" 6379
redis_host="$url_host" redis_port="$url_port"
parse_url "$database_url" 5432
postgres_host="$url_host" postgres_port="$url_port"

down=()
if redis_up; then say "Redis answers at $redis_host:$redis_port."; else down+=(redis); fi
if postgres_up; then say "PostgreSQL answers at $postgres_host:$postgres_port."; else down+=(postgres); fi
((${#down[@]} == 0)) && exit 0

describe() {
  case "$1" in
    redis) echo "Redis at $redis_host:$redis_port (REDIS_URL)" ;;
    postgres) echo "PostgreSQL at $postgres_host:$postgres_port (DATABASE_URL)" ;;
  esac
}

# "NAME=port " when the URL's port is not the compose file's default, so the printed command fits the URL.
port_env() {
  [[ "$2" == "$3" ]] || printf '%s=%s ' "$1" "$2"
}

print_manual_steps() {
  echo
  echo "Start the missing service(s), or point the URL variables at running ones, then run this again:"
  for service in "${down[@]}"; do
    echo
    echo "  $(describe "$service"):"
    case "$service" in
      redis)
        echo "    $(port_env HOOKLINE_REDIS_PORT "$redis_port" 6379)docker compose up -d redis   # with Docker"
        echo "    redis-server --daemonize yes --port $redis_port           # with a local Redis 7 install"
        echo "    export REDIS_URL=redis://<host>:<port>             # or use another server"
        ;;
      postgres)
        echo "    $(port_env HOOKLINE_POSTGRES_PORT "$postgres_port" 5432)docker compose up -d postgres   # with Docker"
        echo "    sudo pg_ctlcluster <version> main start            # Debian/Ubuntu PostgreSQL package"
        echo "    brew services start postgresql@15                  # macOS (Homebrew)"
        echo "    export DATABASE_URL=postgresql://<user>@<host>:<port>/hookline   # or use another server"
        ;;
    esac
  done
  echo
}

for service in "${down[@]}"; do
  host_var="${service}_host"
  if ! is_loopback "${!host_var}" && [[ "$mode" != check ]]; then
    say "$(describe "$service") does not answer, and it is not on this machine, so it will not be started here."
    print_manual_steps >&2
    exit 1
  fi
done

start_local() {
  local service="$1"
  case "$service" in
    redis)
      command -v redis-server >/dev/null 2>&1 || { say "redis-server is not installed."; return 1; }
      say "starting redis-server on 127.0.0.1:$redis_port"
      # A throwaway instance for tests: no snapshots, no append-only file.
      redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null
      ;;
    postgres)
      command -v pg_ctlcluster >/dev/null 2>&1 || { say "pg_ctlcluster (Debian's postgresql-common) is not installed."; return 1; }
      local version
      version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
      [[ -n "$version" ]] || { say "no PostgreSQL cluster under /etc/postgresql."; return 1; }
      say "starting PostgreSQL cluster $version/main"
      # Already running (on another port) is not a failure here; the wait below decides.
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
      ;;
  esac
}

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  else
    docker-compose "$@"
  fi
}

docker_usable() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 20 docker info >/dev/null 2>&1 || return 1
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1
}

case "$mode" in
  check)
    for service in "${down[@]}"; do say "$(describe "$service") does not answer."; done
    exit 1
    ;;
  local)
    for service in "${down[@]}"; do
      start_local "$service" || { print_manual_steps >&2; exit 1; }
    done
    ;;
  docker)
    if ! docker_usable; then
      for service in "${down[@]}"; do say "$(describe "$service") does not answer, and Docker (with a running engine and compose) is not available to start it."; done
      print_manual_steps >&2
      exit 1
    fi
    say "starting ${down[*]} with docker compose"
    # The compose file publishes them on loopback only, on the ports the URLs name.
    HOOKLINE_REDIS_PORT="$redis_port" HOOKLINE_POSTGRES_PORT="$postgres_port" compose up -d "${down[@]}"
    ;;
esac

for service in "${down[@]}"; do
  case "$service" in
    redis) wait_until_up Redis redis_up ;;
    postgres) wait_until_up PostgreSQL postgres_up ;;
  esac || { print_manual_steps >&2; exit 1; }
done
