#!/usr/bin/env bash
# One command from a fresh clone to a running Hookline (api + worker) for local use:
#   install dependencies -> make sure Redis and PostgreSQL answer -> build -> migrate -> start.
# Redis and PostgreSQL come from REDIS_URL / DATABASE_URL (defaults 127.0.0.1:6379 and 127.0.0.1:5432);
# when they do not answer and Docker is available they are started with docker compose.
set -euo pipefail

cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Local-use defaults, so the README's curl quickstart works as printed. Any value already set wins.
export ALLOW_HTTP_URLS="${ALLOW_HTTP_URLS:-true}"
export ALLOW_PRIVATE_URLS="${ALLOW_PRIVATE_URLS:-true}"
export BOOTSTRAP_API_KEY="${BOOTSTRAP_API_KEY:-hk_local_dev_key}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-local-admin-token}"
export PORT="${PORT:-3000}"

command -v node >/dev/null 2>&1 || { echo "Node.js 20.19 or newer is required (https://nodejs.org)." >&2; exit 1; }
node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' ||
  { echo "Node.js 20.19 or newer is required; this is $(node --version)." >&2; exit 1; }

# npm ci only when node_modules is missing or was installed from another package-lock.json.
lock_hash=$(node -e 'process.stdout.write(require("node:crypto").createHash("sha256").update(require("node:fs").readFileSync("package-lock.json")).digest("hex"))')
installed_stamp=node_modules/.hookline-lock-sha256
if [[ ! -d node_modules || ! -f "$installed_stamp" || "$(cat "$installed_stamp")" != "$lock_hash" ]]; then
  step "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
  printf '%s' "$lock_hash" >"$installed_stamp"
else
  step "Dependencies are up to date"
fi

step "Checking Redis and PostgreSQL"
bash scripts/ensure-services.sh

step "Building api and worker"
npm run build

step "Applying database migrations"
npm run db:migrate

api_url="http://127.0.0.1:${PORT}"
cat <<INFO

==> Starting Hookline (api + worker); Ctrl-C stops both.

    API:          ${api_url}
    API key:      ${BOOTSTRAP_API_KEY}      (Authorization: Bearer ${BOOTSTRAP_API_KEY})
    Admin token:  ${ADMIN_TOKEN}
    Try:          curl -s ${api_url}/v1/webhooks -H 'Authorization: Bearer ${BOOTSTRAP_API_KEY}'

INFO
exec node scripts/start.js
