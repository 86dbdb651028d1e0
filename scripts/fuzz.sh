#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a set time, one after another.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 seconds, every target)
#
# Each target is SSHDAuditCore plus one Fuzz/*Fuzzer.swift, compiled with -sanitize=fuzzer,address (ASan, and
# LeakSanitizer through -detect_leaks=1). Seeds come from Fuzz/corpus/<target>/; inputs the fuzzer finds go to
# .build/fuzz/corpus/<target>/ and are reused by the next run. Prints executions per target and in total; exits
# non-zero on a crash, leak, timeout or out-of-memory, naming the file that reproduces it:
#   .build/fuzz/bin/<target> -runs=1 <that file>
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi

swiftc="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
build="$root/.build/fuzz"
mkdir -p "$build/bin" "$build/logs"

# target name, source file, -max_len: long enough for realistic files, short enough to stay fast.
targets=(
    "sshd-config      SSHDConfigFuzzer.swift      16384"
    "proc-net-tcp     ProcNetTCPFuzzer.swift      16384"
    "sshd-log         SSHDLogFuzzer.swift         8192"
    "auditor-config   AuditorConfigFuzzer.swift   4096"
    "nft-json         NftablesJSONFuzzer.swift    16384"
    "iptables-save    IptablesSaveFuzzer.swift    8192"
)
selected=("$@")

swift_flags=(
    -swift-version 6
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -O -g
    -sanitize=fuzzer,address
)

# SSHDAuditCore once, as a static library every target links. It imports nothing, so swiftc alone builds it.
mapfile -t core_sources < <(find "$root/Sources/SSHDAuditCore" -name '*.swift' | sort)
core_stamp="$build/SSHDAuditCore.stamp"
if [ ! -f "$core_stamp" ] || [ -n "$(find "$root/Sources/SSHDAuditCore" -name '*.swift' -newer "$core_stamp" | head -n 1)" ]; then
    echo "building SSHDAuditCore (instrumented)"
    if ! "$swiftc" "${swift_flags[@]}" -parse-as-library -module-name SSHDAuditCore -whole-module-optimization \
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
    if [ "${#selected[@]}" -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then
        continue
    fi
    binary="$build/bin/$name"
    if [ ! -x "$binary" ] || [ "$root/Fuzz/$source" -nt "$binary" ] || [ "$core_stamp" -nt "$binary" ] \
        || [ -n "$(find "$root/Fuzz/Support" -name '*.swift' -newer "$binary" | head -n 1)" ]; then
        echo "building $name"
        # ld.gold warns about every ASan helper symbol it cannot export; the log keeps them out of the way.
        if ! "$swiftc" "${swift_flags[@]}" -parse-as-library -module-name "Fuzz_${name//-/_}" \
            -I "$build" -L "$build" -lSSHDAuditCore \
            "$root"/Fuzz/Support/*.swift "$root/Fuzz/$source" -o "$binary" >"$build/logs/$name.build.log" 2>&1; then
            grep -v "ld.gold: warning: Cannot export local symbol" "$build/logs/$name.build.log" >&2
            exit 1
        fi
    fi

    corpus="$build/corpus/$name"
    artifacts="$build/artifacts/$name"
    mkdir -p "$corpus" "$artifacts"
    log="$build/logs/$name.log"
    dict=()
    if [ -f "$root/Fuzz/dict/$name.dict" ]; then dict=(-dict="$root/Fuzz/dict/$name.dict"); fi
    echo "fuzzing $name for ${seconds}s (max_len $max_len)"
    status=0
    # Swift's own crash backtracer would wait on the crashed process; libFuzzer and ASan report crashes.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" \
        "$binary" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=10 -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
        "$corpus" "$root/Fuzz/corpus/$name" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    runs="${runs:-0}"
    total=$((total + runs))
    if [ "$status" -ne 0 ]; then
        failed=1
        reason="$(grep -m 1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [^ ]+( [^ ]+)?|fuzz invariant broken.*' "$log" || true)"
        artifact="$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)"
        summary+=("$(printf '%-16s %12s executions  FAILED (exit %d) %s' "$name" "$runs" "$status" "${reason:-}")")
        echo "FAILED: $name: ${reason:-exit $status}; log: $log" >&2
        if [ -n "$artifact" ]; then echo "  reproduce: $binary -runs=1 $artifact" >&2; fi
    else
        summary+=("$(printf '%-16s %12s executions  ok' "$name" "$runs")")
    fi
done

echo
printf '%s\n' "${summary[@]}"
printf '%-16s %12s executions\n' "total" "$total"
exit "$failed"
