#!/usr/bin/env python3
"""Static scan for store-to-load forwarding hazards in hairsim's step loops.

A load that is not contained in the most recent store to the same bytes (a
16-byte load across two 32-byte stores, a 32-byte load over four 8-byte
stores) cannot take its data from the store queue: it waits until the stores
reach the cache. In a Runge-Kutta stage chain that wait sits on the critical
path. BENCHMARKS.md ("Overhead, fifth pass") shows one such hazard, between
the stage sums and the right-hand side, that cost 5-9 % of every explicit
solve.

Usage: python3 tools/forwarding_scan.py BINARY [MAX_DISTANCE]
  BINARY        e.g. target/release/deps/overhead-<hash> (cargo bench --bench
                overhead --no-run prints it)
  MAX_DISTANCE  report hazards at most this many instructions after the store
                (default 60; a store further back has usually reached the
                cache already)

What it is: a heuristic over `objdump -d` of every AVX2 clone of
`erk::step_loop` and `erk::stages_only`. It compares addresses as base register plus offset
(forgetting a register's stores when the register is written, and mapping
registers loaded with `lea ...(%rsp)` onto the stack), reads the listing in
address order and ignores control flow, so it can report a pair that never
runs back to back and miss one made through two different registers. Confirm a hit
with `perf annotate` before acting on it. Needs binutils (objdump, nm).
"""

import re
import subprocess
import sys

SCALAR_OPS = ("vmovhpd", "vmovlpd", "vmovhps", "vmovlps", "vbroadcastsd", "vmovq", "movq")
INTEGER = re.compile(r"^(mov[lbwz]?|movzbl|cmp[lbwq]?|inc[lbwq]?|and|or|add|sub)$")


def width(op, args):
    """Bytes touched by the memory operand of one instruction."""
    if op.endswith(("sd", "ss")) or op in SCALAR_OPS:
        return 8
    if op in ("vinsertf128", "vextractf128"):
        return 16
    if "ymm" in args:
        return 32
    if "xmm" in args:
        return 16
    return 8


def scan(binary, start, end, max_distance):
    listing = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn",
         f"--start-address=0x{start:x}", f"--stop-address=0x{end:x}", binary],
        capture_output=True, text=True, check=True,
    ).stdout
    insns = []
    for line in listing.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if m:
            insns.append(m.groups())
    # Addresses are (base register, offset). A register's stores are
    # forgotten when the register is written; `lea off(%rsp), %reg` maps the
    # register onto the stack, so its accesses meet direct stack accesses.
    stores, hits, stack_regs = [], [], {}
    for i, (addr, op, args) in enumerate(insns):
        last = args.split(",")[-1].strip()
        if last.startswith("%"):
            dst = last.strip("%")
            stack_regs.pop(dst, None)
            stores = [s for s in stores if s[1] != dst]
            m = re.match(r"(-?0x[0-9a-f]+|)\(%rsp\),%\w+$", args)
            if op == "lea" and m:
                stack_regs[dst] = int(m.group(1) or "0", 16)
            if op == "lea":
                continue
        m = re.search(r"(-?0x[0-9a-f]+|)\(%(\w+)\)", args)
        if not m or INTEGER.match(op) or op == "lea":
            continue
        base, off = m.group(2), int(m.group(1) or "0", 16)
        if base in stack_regs:
            base, off = "rsp", off + stack_regs[base]
        w = width(op, args)
        if re.search(r"\(%\w+\)$", args.strip()) and op.startswith(("vmov", "vextract")):
            stores.append((i, base, off, w, addr))
            continue
        overlapping = [s for s in stores if s[1] == base and s[2] < off + w and off < s[2] + s[3]]
        if not overlapping:
            continue
        j, _, s_off, s_w, s_addr = max(overlapping)
        contained = s_off <= off and off + w <= s_off + s_w
        if not contained and i - j <= max_distance:
            hits.append(f"  load {addr} {op:<12} [{off:#x}(%{base}), +{w}) <- store {s_addr} "
                        f"[{s_off:#x}, +{s_w}), {i - j} instructions before")
    return hits


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = sys.argv[1]
    max_distance = int(sys.argv[2]) if len(sys.argv) == 3 else 60
    nm = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    symbols = sorted(
        (int(f[0], 16), f[2]) for f in (line.split() for line in nm.splitlines())
        if len(f) == 3 and f[1] in "tT"
    )
    for k, (start, name) in enumerate(symbols):
        if "step_loop_avx" not in name and "stages_only_avx" not in name:
            continue
        end = symbols[k + 1][0]
        hits = scan(binary, start, end, max_distance)
        kind = "step_loop" if "step_loop" in name else "stages_only"
        print(f"{kind} clone at {start:#x} ({end - start} bytes): {len(hits)} hazard(s)")
        for hit in hits:
            print(hit)


if __name__ == "__main__":
    main()
