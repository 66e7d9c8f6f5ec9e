#!/usr/bin/env bash
# Autogenerate a migration against PostgreSQL (SQLite autogenerate writes types that
# break PostgreSQL downgrades). Usage: scripts/new-migration.sh 0005_scenes "scenes and play sessions"
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$1; msg=$2
db=pixsim7_autogen_$$
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $db"
trap 'psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
url=postgresql+asyncpg://postgres@127.0.0.1:5432/$db
.venv/bin/python - "$url" "$rev" "$msg" <<'PY'
import sys
from alembic import command
from pixsim7.migrate import alembic_config, upgrade
url, rev, msg = sys.argv[1:]
upgrade(url)
command.revision(alembic_config(url), message=msg, autogenerate=True, rev_id=rev)
PY
.venv/bin/ruff format -q src/pixsim7/migrations/versions/"$rev".py
.venv/bin/ruff check -q --fix src/pixsim7/migrations/versions/"$rev".py || true
