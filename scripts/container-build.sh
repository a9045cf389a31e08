#!/bin/sh
# Builds the production app from a source tree: install exactly the locked
# dependencies, compile TypeScript, drop the dev dependencies, and copy only
# what runs into DEST. The Dockerfile's build stage runs this, and so does
# test/container/replay.test.ts, so the image and its test cannot drift.
#
# usage: scripts/container-build.sh SRC DEST
#   SRC   a source tree as the Docker build context sees it (.dockerignore applied)
#   DEST  directory to fill with dist/, node_modules/ (production), package*.json, config/
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 SRC DEST" >&2
  exit 64
fi
src=$1
dest=$2

cd "$src"
# No dependency needs an install script; not running them keeps the build
# from executing code fetched from the registry.
npm ci --ignore-scripts --no-audit --no-fund
npm run build
npm prune --omit=dev --ignore-scripts --no-audit --no-fund

mkdir -p "$dest/config"
cp -R dist node_modules package.json package-lock.json "$dest/"
# The example and the JSON Schema only: a real config.json holds a tenant's
# settings and is mounted at run time, never baked into the image.
find config -maxdepth 1 -type f ! -name config.json -exec cp {} "$dest/config/" \;
