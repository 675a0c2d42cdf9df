#!/usr/bin/env bash
# One environment's step of the catalog-sync workflow: npm run sync --write, its report kept for the
# pull request body. Exit 3 (facts written, a decision such as a replacement needed) carries on: the
# pull request is where the decision is made. Any other failure (Bedrock unreadable, bad input) stops.
set -u
env_name="$1"
npm run -s sync -- --env "$env_name" --write > "sync-$env_name.md" 2> "sync-$env_name.log"
code=$?
cat "sync-$env_name.log" >&2
if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
  exit "$code"
fi
