#!/bin/sh
# The image's entry point: `run` applies the migrations, then starts the bot; anything else is
# handed to `python -m bot` (doctor, db backup, staff add, ...).
set -eu
if [ "${1:-run}" = "run" ] && [ "${GHIMAR_MIGRATE_ON_START:-1}" = "1" ]; then
  python -m bot db upgrade
fi
exec python -m bot "$@"
