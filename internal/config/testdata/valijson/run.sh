#!/usr/bin/env bash
# Checks Schema() and every testdata/*.json with real valijson, the way
# libsinsp does before plugin init (an empty config becomes "{}"; the
# first error is printed). Not part of CI: it needs Debian's
# libvalijson-dev (1.0, as in libs >= 0.17), nlohmann-json3-dev and g++.
# Compare its ACCEPT/REJECT column with the schema flags in badWant
# (config_test.go): every .good file must be ACCEPT.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -std=c++17 -O1 -o "$tmp/check" testdata/valijson/check.cpp
go run ./testdata/valijson/dumpschema >"$tmp/schema.json"
"$tmp/check" "$tmp/schema.json" testdata/*.json
