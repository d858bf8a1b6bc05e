#!/usr/bin/env bash
# Zig, the C toolchain and linker of every released native artifact (sourced by
# scripts/release.sh and scripts/package-python.sh): it links against the glibc 2.17 symbol
# versions (CentOS 7, manylinux2014), whatever glibc the build machine has, and cross-compiles,
# so no artifact depends on the build machine's C library.
#
#   ZIGLANG_PIN          the ziglang package (zig itself, from PyPI), the one pin of zig
#   GLIBC_FLOOR          the oldest glibc every glibc artifact runs on
#   zig_tools            installs ziglang and cargo-zigbuild (PyPI) into target/zig-tools and
#                        puts them first on PATH (cargo-zigbuild runs `python3 -m ziglang`)
ZIGLANG_PIN="ziglang==0.17.1"
CARGO_ZIGBUILD_PIN="cargo-zigbuild==0.24.0"
GLIBC_FLOOR=2.17

zig_tools() {
    local venv="$PWD/target/zig-tools"
    if [ ! -x "$venv/bin/cargo-zigbuild" ] || [ "$("$venv/bin/python" -m ziglang version 2>/dev/null)" != "${ZIGLANG_PIN#ziglang==}" ] ||
        [ "$("$venv/bin/cargo-zigbuild" --version 2>/dev/null | awk '{print $2}')" != "${CARGO_ZIGBUILD_PIN#cargo-zigbuild==}" ]; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet "$ZIGLANG_PIN" "$CARGO_ZIGBUILD_PIN"
    fi
    export PATH="$venv/bin:$PATH"
}

# Links the Node.js addon for a musl target: the crate's staticlib (built by
# `cargo rustc --crate-type staticlib`, with the rest of the musl build's crt-static
# dependencies) into a shared object that loads into a musl Node.js (Alpine): musl's libc
# dynamically, the unwinder from Rust's self-contained libunwind, and only N-API's entry point
# exported.
#   link_musl_node_addon TARGET STATICLIB OUTPUT
link_musl_node_addon() {
    local target="$1" archive="$2" out="$3" exports
    exports="$(mktemp)"
    printf '{\n  global: napi_register_module_v1;\n  local: *;\n};\n' >"$exports"
    python3 -m ziglang cc -target "$(target_arch "$target")-linux-musl" -shared -o "$out" \
        -Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
        "$(rustc --print sysroot)/lib/rustlib/$target/lib/self-contained/libunwind.a" \
        -Wl,--version-script="$exports" -Wl,--gc-sections -Wl,-s
    rm -f "$exports"
}

# The highest GLIBC_ symbol version an ELF file needs ("none" for none), from its dynamic
# symbol table.
glibc_needed() {
    objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1 | grep . || echo none
}

# Fails unless every ELF file given needs at most GLIBC_FLOOR; prints each one's need.
check_glibc_floor() {
    local f need worst=ok
    for f in "$@"; do
        need="$(glibc_needed "$f")"
        printf '  %-70s GLIBC %s\n' "${f#"$PWD"/}" "$need"
        if [ "$need" != none ] && [ "$(printf '%s\n%s\n' "$need" "$GLIBC_FLOOR" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]; then
            worst="$f needs GLIBC_$need"
        fi
    done
    [ "$worst" = ok ] || { echo "glibc floor $GLIBC_FLOOR exceeded: $worst" >&2; return 1; }
}
