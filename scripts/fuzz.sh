#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a set time, one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET[:SECONDS]...]    run (default: 60 seconds, every target)
#   scripts/fuzz.sh --build-only [TARGET...]           build the instrumented targets, run nothing
#   scripts/fuzz.sh --check                            compile every target short of code generation (seconds)
#
# Naming targets runs only those, each for its own SECONDS if given, else the first argument's.
#
# Each target is SSHDAuditCore plus one Fuzz/*Fuzzer.swift, compiled with -sanitize=fuzzer,address (ASan, and
# LeakSanitizer through -detect_leaks=1). Seeds come from Fuzz/corpus/<target>/; inputs the fuzzer finds go to
# .build/fuzz/corpus/<target>/ and are reused by the next run. Prints executions per target and in total; exits
# non-zero on a crash, leak, timeout or out-of-memory, naming the file that reproduces it:
#   .build/fuzz/bin/<target> -runs=1 <that file>
#
# --check is what `make test` runs, so that a harness an API change breaks fails CI: each target is compiled
# to SIL (type checking and the compiler's mandatory diagnostics: everything short of code generation) against
# SSHDAuditCore's interface, with no instrumented build.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
mode=run
case "${1:-}" in
    --build-only) mode=build; shift ;;
    --check) mode=check; shift ;;
esac
seconds=60
if [ "$mode" = run ] && [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    seconds="$1"
    shift
fi
usage() {
    echo "usage: $0 [SECONDS] [TARGET[:SECONDS]...] | --build-only [TARGET...] | --check" >&2
    exit 2
}
if [ "$seconds" -eq 0 ]; then usage; fi

swiftc="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
build="$root/.build/fuzz"
mkdir -p "$build/bin" "$build/logs"

# target name, source file, -max_len: long enough for realistic files, short enough to stay fast. A
# /proc/net/tcp row stands alone and is about 150 bytes, so 4096 (two dozen rows) reaches everything the parser
# does and keeps that target, the fastest, from slowing down as its inputs grow.
targets=(
    "sshd-config      SSHDConfigFuzzer.swift      16384"
    "proc-net-tcp     ProcNetTCPFuzzer.swift      4096"
    "sshd-log         SSHDLogFuzzer.swift         8192"
    "auditor-config   AuditorConfigFuzzer.swift   4096"
    "nft-json         NftablesJSONFuzzer.swift    16384"
    "iptables-save    IptablesSaveFuzzer.swift    8192"
)

# Selected targets and their own times; an unknown name is an error, not a silently empty run.
declare -A selected=()
for argument in "$@"; do
    name="${argument%%:*}"
    budget="$seconds"
    if [[ "$argument" == *:* ]]; then budget="${argument#*:}"; fi
    if ! [[ "$budget" =~ ^[0-9]+$ ]] || [ "$budget" -eq 0 ]; then usage; fi
    if ! printf '%s\n' "${targets[@]}" | grep -q "^$name "; then
        echo "unknown target: $name" >&2
        usage
    fi
    selected[$name]="$budget"
done

language_flags=(
    -swift-version 6
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -parse-as-library
)
# Whole-module optimization for the targets too: without it Fuzz/Support is compiled apart from the target
# that calls it, its generic helpers run unspecialized, and the targets ran 1.5 to 4 times slower (measured
# per CPU second on a fixed set of inputs; proc-net-tcp the most).
swift_flags=(
    "${language_flags[@]}"
    -O -g -whole-module-optimization
    -sanitize=fuzzer,address
)
mapfile -t core_sources < <(find "$root/Sources/SSHDAuditCore" -name '*.swift' | sort)

if [ "$mode" = check ]; then
    # SSHDAuditCore's interface only (no function bodies outside inlinable code, no code generation), then each
    # target against it, as one module with Fuzz/Support as in the real build. SIL, not just -typecheck: uses
    # before initialization, exclusivity and ownership of noncopyable values are diagnosed only there.
    interface="$build/check"
    mkdir -p "$interface"
    "$swiftc" "${language_flags[@]}" -module-name SSHDAuditCore -whole-module-optimization -emit-module \
        -Xfrontend -experimental-skip-non-inlinable-function-bodies \
        -emit-module-path "$interface/SSHDAuditCore.swiftmodule" "${core_sources[@]}"
    failed=0
    for entry in "${targets[@]}"; do
        read -r name source _ <<<"$entry"
        if ! "$swiftc" "${language_flags[@]}" -whole-module-optimization -emit-sil -o /dev/null \
            -module-name "Fuzz_${name//-/_}" -I "$interface" "$root"/Fuzz/Support/*.swift "$root/Fuzz/$source"; then
            echo "FAILED: fuzz target $name (Fuzz/$source) does not compile" >&2
            failed=1
        fi
    done
    if [ "$failed" -eq 0 ]; then echo "fuzz targets compile: ${#targets[@]} ok"; fi
    exit "$failed"
fi

# SSHDAuditCore once, as a static library every target links. It imports nothing, so swiftc alone builds it.
core_stamp="$build/SSHDAuditCore.stamp"
if [ ! -f "$core_stamp" ] || [ "$root/scripts/fuzz.sh" -nt "$core_stamp" ] \
    || [ -n "$(find "$root/Sources/SSHDAuditCore" -name '*.swift' -newer "$core_stamp" | head -n 1)" ]; then
    echo "building SSHDAuditCore (instrumented)"
    if ! "$swiftc" "${swift_flags[@]}" -module-name SSHDAuditCore \
        -emit-library -static -emit-module -emit-module-path "$build/SSHDAuditCore.swiftmodule" \
        -o "$build/libSSHDAuditCore.a" "${core_sources[@]}" >"$build/logs/SSHDAuditCore.build.log" 2>&1; then
        cat "$build/logs/SSHDAuditCore.build.log" >&2
        exit 1
    fi
    touch "$core_stamp"
fi

total=0
failed=0
summary=()
for entry in "${targets[@]}"; do
    read -r name source max_len <<<"$entry"
    budget="$seconds"
    if [ "${#selected[@]}" -gt 0 ]; then
        if [ -z "${selected[$name]:-}" ]; then continue; fi
        budget="${selected[$name]}"
    fi
    binary="$build/bin/$name"
    if [ ! -x "$binary" ] || [ "$root/Fuzz/$source" -nt "$binary" ] || [ "$core_stamp" -nt "$binary" ] \
        || [ "$root/scripts/fuzz.sh" -nt "$binary" ] || [ -n "$(find "$root/Fuzz/Support" -name '*.swift' -newer "$binary" | head -n 1)" ]; then
        echo "building $name"
        # ld.gold warns about every ASan helper symbol it cannot export; the log keeps them out of the way.
        if ! "$swiftc" "${swift_flags[@]}" -module-name "Fuzz_${name//-/_}" \
            -I "$build" -L "$build" -lSSHDAuditCore \
            "$root"/Fuzz/Support/*.swift "$root/Fuzz/$source" -o "$binary" >"$build/logs/$name.build.log" 2>&1; then
            grep -v "ld.gold: warning: Cannot export local symbol" "$build/logs/$name.build.log" >&2
            exit 1
        fi
    fi
    if [ "$mode" = build ]; then continue; fi

    corpus="$build/corpus/$name"
    artifacts="$build/artifacts/$name"
    mkdir -p "$corpus" "$artifacts"
    log="$build/logs/$name.log"
    dict=()
    if [ -f "$root/Fuzz/dict/$name.dict" ]; then dict=(-dict="$root/Fuzz/dict/$name.dict"); fi
    echo "fuzzing $name for ${budget}s (max_len $max_len)"
    status=0
    # Swift's own crash backtracer would wait on the crashed process; libFuzzer and ASan report crashes.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" \
        "$binary" -max_total_time="$budget" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=10 -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
        "$corpus" "$root/Fuzz/corpus/$name" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    runs="${runs:-0}"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
    total=$((total + runs))
    if [ "$status" -ne 0 ]; then
        failed=1
        reason="$(grep -m 1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [^ ]+( [^ ]+)?|fuzz invariant broken.*' "$log" || true)"
        artifact="$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)"
        summary+=("$(printf '%-16s %12s executions %6ss %8s/s  FAILED (exit %d) %s' "$name" "$runs" "$budget" "${rate:-0}" "$status" "${reason:-}")")
        echo "FAILED: $name: ${reason:-exit $status}; log: $log" >&2
        if [ -n "$artifact" ]; then echo "  reproduce: $binary -runs=1 $artifact" >&2; fi
    else
        summary+=("$(printf '%-16s %12s executions %6ss %8s/s  ok' "$name" "$runs" "$budget" "${rate:-0}")")
    fi
done

if [ "$mode" = build ]; then
    echo "fuzz targets built in $build/bin"
    exit 0
fi
echo
printf '%s\n' "${summary[@]}"
printf '%-16s %12s executions\n' "total" "$total"
exit "$failed"
