#!/bin/sh
# Copies the page's third-party assets from npm into static/vendor/.
# The copies are committed, so building and serving the page never needs the
# network; run this only to upgrade (edit the versions in package.json first).
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
mkdir -p static/vendor
cp node_modules/cytoscape/dist/cytoscape.min.js static/vendor/cytoscape.min.js
cp node_modules/cytoscape/LICENSE static/vendor/cytoscape.LICENSE
echo "cytoscape $(node -p 'require("./node_modules/cytoscape/package.json").version')" > static/vendor/VERSIONS
rm -rf node_modules
