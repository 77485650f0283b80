#!/usr/bin/env bash
# Packs every package of src/ into a local folder, checks the metadata each must carry (issue 11: description, licence
# expression, readme, repository URL, tags, XML docs, symbols, the one version), prints each package's size, checks
# the tool package is at most 15 MB, then copies examples/library outside the repository and builds and runs it
# against the packages alone. Too slow for the test suite (it builds everything in Release): run it by hand or in CI:
#   benchmarks/scripts/pack_check.sh [output-folder]
# Exit 0 when every check passes; each failure is printed as "FAIL: …".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
feed="${1:-$work/feed}"
mkdir -p "$feed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/Directory.Build.props")"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

projects=()
for csproj in "$root"/src/*/*.csproj; do
  projects+=("$csproj")
done

for csproj in "${projects[@]}"; do
  dotnet pack "$csproj" -c Release -o "$feed" -v q -nologo >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack $(basename "$csproj")"; }
done

printf '%-28s %10s %10s  %s\n' package bytes snupkg checks
for csproj in "${projects[@]}"; do
  name="$(basename "$csproj" .csproj)"
  id="$(sed -n 's:.*<PackageId>\(.*\)</PackageId>.*:\1:p' "$csproj")"
  id="${id:-$name}"
  nupkg="$feed/$id.$version.nupkg"
  if [ ! -f "$nupkg" ]; then
    fail "$id: no $id.$version.nupkg"
    continue
  fi
  nuspec="$(unzip -p "$nupkg" "$id.nuspec")"
  files="$(unzip -Z1 "$nupkg")"
  checks=ok
  grep -q "<version>$version</version>" <<<"$nuspec" || { fail "$id: version is not $version"; checks=bad; }
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || { fail "$id: no licence expression"; checks=bad; }
  grep -q '<readme>README.md</readme>' <<<"$nuspec" && grep -qx 'README.md' <<<"$files" || { fail "$id: no readme"; checks=bad; }
  grep -q '<repository type="git" url="[^"]' <<<"$nuspec" || { fail "$id: no repository URL"; checks=bad; }
  grep -q '<projectUrl>[^<]' <<<"$nuspec" || { fail "$id: no project URL"; checks=bad; }
  grep -q '<tags>[^<]*pbt' <<<"$nuspec" || { fail "$id: no tags"; checks=bad; }
  description="$(sed -n 's:.*<description>\(.*\)</description>.*:\1:p' <<<"$nuspec")"
  if [ -z "$description" ] || [ "$description" = "Package Description" ]; then fail "$id: default description"; checks=bad; fi
  if grep -q '<packageType name="DotnetTool"' <<<"$nuspec"; then
    tool_bytes="$(stat -c %s "$nupkg")"
    [ "$tool_bytes" -le $((15 * 1024 * 1024)) ] || { fail "$id: the tool package is $tool_bytes bytes, over 15 MB"; checks=bad; }
    runtimes="$(grep -o '^tools/net[0-9.]*/any/runtimes/[^/]*/' <<<"$files" | sort -u | wc -l)"
    [ "$runtimes" -le 8 ] || { fail "$id: native assets for $runtimes platforms"; checks=bad; }
    checks="$checks (tool, $runtimes platforms)"
  else
    grep -qx "lib/net[0-9.]*/$name.xml" <<<"$files" || { fail "$id: no XML docs in lib/"; checks=bad; }
  fi
  snupkg="$feed/$id.$version.snupkg"
  [ -f "$snupkg" ] || { fail "$id: no symbol package"; checks=bad; }
  printf '%-28s %10s %10s  %s\n' "$id" "$(stat -c %s "$nupkg")" "$( [ -f "$snupkg" ] && stat -c %s "$snupkg" || echo -)" "$checks"
done

# examples/library, copied where no Directory.Build.props, global.json or src/ of the repository can reach it,
# restored from the local folder for Cohort.* (package source mapping) and from the usual sources for the rest.
outside="$work/outside/library"
mkdir -p "$outside"
cp "$root/examples/library/Program.cs" "$root/examples/library/Cohort.Examples.Library.csproj" "$outside/"
cat >"$work/outside/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="cohort-local" value="$feed" />
    <add key="global-cache" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="cohort-local"><package pattern="Cohort.*" /></packageSource>
    <packageSource key="global-cache"><package pattern="*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
# A private packages folder, so that a Cohort.Core of the same version cached by an earlier pack is not used.
export NUGET_PACKAGES="$work/packages"
if dotnet build "$outside" -c Release -p:CohortVersion="$version" -v q -nologo >"$work/example.log" 2>&1; then
  resolved="$(grep -o '"Cohort.Core/[^"]*"' "$outside/obj/project.assets.json" | head -1)"
  output="$(dotnet run --project "$outside" -c Release --no-build 2>&1)" || fail "examples/library outside the repository: run failed: $output"
  echo "examples/library outside the repository, against $resolved from the local folder:"
  sed 's/^/  /' <<<"$output"
  grep -q '^Completed' <<<"$output" || fail "examples/library did not complete"
else
  cat "$work/example.log"
  fail "examples/library outside the repository: build failed"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all package checks passed"
