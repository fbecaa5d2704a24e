#!/usr/bin/env python3
"""hairsim against its peers at matched accuracy, in one run (issue 4).

Illustrative model — not clinical guidance: this measures solvers, nothing else.

    python3 benches/peers/run.py [--scenarios combo,stiff_pk] [--runs 5] [--quick]

Sets up target/python-venv-peers from benches/peers/requirements.txt (through
tools/python-env, then re-runs itself with that interpreter), builds `sim` in
release, and for every arm of each scenario:

* reference: `sim run --solver dop853 --rtol 1e-12 --atol 1e-13` (its CSV);
* hairsim: `sim bench --json` on a one-arm copy of the scenario (median wall time
  of the solve, RHS evaluations), and the error of `sim run` at the same
  settings (rtol, atol = rtol x 1e-3), for dopri5, bdf and rodas4;
* libroadrunner (CVODE, BDF and Adams) on `sim export sbml`;
* scipy solve_ivp (RK45, DOP853, LSODA, BDF) on `sim export python`;

each swept over tolerances rtol = 1e-3 … 1e-10 (atol = rtol x 1e-3). The error
of a run is the worst, over every output row and every CSV column, of
|a - b| / max(|b|, floor) against the reference (the metric and floor of
tests/python/check_exports.py). At each target error (1e-4 and 1e-6) each tool's
cheapest run that reaches it is chosen per arm, and its time is the median of
`--runs` timed runs after an untimed warm-up. Timed: hairsim: the solve of the
arm (sim bench's timer: no process start, no file output); roadrunner:
resetAll() + simulate(times=grid) (SBML loading and LLVM compilation excluded,
reported separately); scipy: the module's simulate(grid) (module import excluded).

Writes bench/peers/peers.csv (every arm, tool, tolerance) and
bench/peers/peers.md (the summary tables), and prints the tables.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "benches" / "peers" / "requirements.txt"
TOLERANCES = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
TARGETS = [1e-4, 1e-6]
HAIRSIM_METHODS = ["dopri5", "bdf", "rodas4"]
SCIPY_METHODS = ["RK45", "DOP853", "LSODA", "BDF"]
# A scipy run slower than this stops the sweep of that method and arm towards
# tighter tolerances (an explicit method on the stiff variant takes minutes).
SCIPY_SLOW_S = 20.0


def ensure_venv():
    """Re-run this script under the venv's interpreter unless already there."""
    out = subprocess.run(["bash", str(ROOT / "tools" / "python-env"), str(REQUIREMENTS)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"tools/python-env failed:\n{out.stderr}")
    python = Path(out.stdout.strip())
    if Path(sys.prefix).resolve() != python.parent.parent.resolve():
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def sim_binary():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sim"], cwd=ROOT,
                   check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return target / "release" / "sim"


def run(cmd, **kw):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=ROOT, **kw)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: exit {out.returncode}\n{out.stderr}")
    return out.stdout


def one_arm_copies(scenario, tmp):
    """The scenario split at its `[[arm]]` tables: one file per arm."""
    lines = Path(scenario).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[arm]]"]
    head = lines[: starts[0]]
    copies = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        path = tmp / f"{Path(scenario).stem}_arm{k}.toml"
        path.write_text("\n".join(head + lines[s:end]) + "\n", encoding="utf-8")
        copies.append(path)
    return copies


def median_time(f, runs):
    f()  # warm-up, untimed
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class Study:
    def __init__(self, sim, scenario, runs, tolerances, tmp):
        import check_exports as ce

        self.ce, self.sim, self.scenario, self.runs = ce, sim, scenario, runs
        self.tolerances, self.tmp = tolerances, tmp
        self.name = Path(scenario).stem
        ref = tmp / "ref"
        run([sim, "run", scenario, "--solver", "dop853", "--rtol", "1e-12", "--atol", "1e-13",
             "--format", "csv", "-o", ref])
        self.columns, self.ref = ce.read_csv(ref / "timeseries.csv")
        self.floor = ce.floors(self.columns, self.ref)
        self.arms = list(self.ref)
        self.cells = []  # dicts: arm, tool, rtol, error, hair_count_error, time_s, work, note

    def error(self, arm, got):
        want = self.ref[arm]
        c = self.ce.compare(got, want, self.columns, self.floor, want["time_days"])
        return c["worst"]["error"], c["per_column"]["hair_count"]

    def add(self, **cell):
        self.cells.append(cell)
        print(f"  {cell['arm'][:28]:<28} {cell['tool']:<22} rtol {cell['rtol']:.0e}  "
              f"error {cell['error']:.1e}  time {cell.get('time_s') or float('nan'):.2e} s"
              f"  {cell.get('note', '')}", flush=True)

    # hairsim ---------------------------------------------------------------
    def hairsim(self):
        tols = ",".join(f"{t:g}" for t in self.tolerances)
        errors = {}
        for m in HAIRSIM_METHODS:
            for tol in self.tolerances:
                out = self.tmp / f"h_{m}_{tol:g}"
                try:
                    run([self.sim, "run", self.scenario, "--solver", m, "--rtol", f"{tol:g}",
                         "--atol", f"{tol * 1e-3:g}", "--format", "csv", "-o", out])
                    _, data = self.ce.read_csv(out / "timeseries.csv")
                    for arm in self.arms:
                        errors[(m, tol, arm)] = self.error(arm, data[arm])
                except RuntimeError as e:
                    for arm in self.arms:
                        errors[(m, tol, arm)] = (float("inf"), float("inf"))
                    print(f"  hairsim {m} rtol {tol:g}: sim run failed: {e}".splitlines()[0])
        for arm, copy in zip(self.arms, one_arm_copies(self.scenario, self.tmp)):
            report = json.loads(run([self.sim, "bench", copy, "--solvers",
                                     ",".join(HAIRSIM_METHODS), "--tolerances", tols,
                                     "--runs", self.runs, "--json", "-o",
                                     self.tmp / "bench_out"]))
            for m in report["measurements"]:
                key = (m["method"], min(self.tolerances, key=lambda t: abs(t / m["rtol"] - 1)))
                err, hc = errors[(key[0], key[1], arm)]
                ok = m["status"] == "ok"
                self.add(arm=arm, tool=f"hairsim {m['method']}", rtol=key[1], error=err,
                         hair_count_error=hc,
                         time_s=m["timing"]["median_s"] if ok else None,
                         work=m["work"]["rhs_evaluations"] if ok else None,
                         note="" if ok else f"failed: {m['failure']}")
        self.environment = report["environment"]

    # libroadrunner ---------------------------------------------------------
    def roadrunner(self):
        import numpy as np
        import roadrunner

        for k, arm in enumerate(self.arms):
            sbml = self.tmp / f"arm{k}.xml"
            run([self.sim, "export", "sbml", self.scenario, "--arm", arm, "-o", sbml])
            t0 = time.perf_counter()
            rr = roadrunner.RoadRunner(str(sbml))
            load_s = time.perf_counter() - t0
            rr.timeCourseSelections = ["time"] + self.columns
            rr.integrator.maximum_num_steps = 10_000_000
            times = list(self.ref[arm]["time_days"])
            for stiff, label in [(True, "roadrunner CVODE-BDF"), (False, "roadrunner CVODE-Adams")]:
                rr.integrator.stiff = stiff
                for tol in self.tolerances:
                    rr.integrator.relative_tolerance = tol
                    rr.integrator.absolute_tolerance = tol * 1e-3

                    def once():
                        rr.resetAll()
                        return rr.simulate(times=times)

                    try:
                        res = np.array(once())
                    except RuntimeError as e:
                        self.add(arm=arm, tool=label, rtol=tol, error=float("inf"),
                                 hair_count_error=float("inf"), time_s=None, work=None,
                                 note=f"failed: {str(e).splitlines()[0][:80]}")
                        continue
                    got = {c: res[:, i + 1] for i, c in enumerate(self.columns)}
                    err, hc = self.error(arm, got)
                    t = median_time(once, self.runs)
                    # Steps, from one more (untimed) run that reports every step.
                    rr.integrator.variable_step_size = True
                    rr.integrator.max_output_rows = 100_000_000
                    rr.resetAll()
                    try:
                        steps = len(rr.simulate(0, times[-1])) - 1
                    except RuntimeError:  # CVODE can fail without the output grid's stops
                        steps = None
                    rr.integrator.variable_step_size = False
                    self.add(arm=arm, tool=label, rtol=tol, error=err, hair_count_error=hc,
                             time_s=t, work=None, steps=steps,
                             note=f"load+compile {load_s:.2f} s (not timed); {steps} steps")
                    if steps is None:
                        self.cells[-1]["note"] += " (step-count run failed)"

    # scipy -------------------------------------------------------------------
    def scipy(self):
        import numpy as np

        for k, arm in enumerate(self.arms):
            module = self.tmp / f"arm{k}.py"
            run([self.sim, "export", "python", self.scenario, "--arm", arm, "-o", module])
            mod = self.ce.load_module(module, f"{self.name}_{k}")
            t_eval = np.array(self.ref[arm]["time_days"])
            for method in SCIPY_METHODS:
                for tol in self.tolerances:
                    def once(mod=mod, t_eval=t_eval, method=method, tol=tol):
                        return mod.simulate(t_eval, method=method, rtol=tol, atol=tol * 1e-3)

                    t0 = time.perf_counter()
                    try:
                        cols, stats = once()
                    except Exception as e:  # a failed solve is reported, not fatal
                        self.add(arm=arm, tool=f"scipy {method}", rtol=tol, error=float("inf"),
                                 hair_count_error=float("inf"), time_s=None, work=None,
                                 note=f"failed: {str(e).splitlines()[0][:80]}")
                        continue
                    first = time.perf_counter() - t0
                    err, hc = self.error(arm, cols)
                    self.add(arm=arm, tool=f"scipy {method}", rtol=tol, error=err,
                             hair_count_error=hc, time_s=None, first_s=first,
                             work=stats["nfev"], once=once,
                             note=f"single run {first:.2f} s")
                    if first > SCIPY_SLOW_S:
                        print(f"  scipy {method} {arm}: {first:.0f} s at rtol {tol:g}; "
                              "tighter tolerances skipped")
                        break

    # selection ---------------------------------------------------------------
    def choose(self, target):
        """{tool: {arm: cell}}: per arm, the cheapest run of each tool reaching target."""
        chosen = {}
        for c in self.cells:
            if not (c["error"] <= target):
                continue
            cost = c["time_s"] if c.get("time_s") is not None else c.get("first_s")
            if cost is None:
                continue
            best = chosen.setdefault(c["tool"], {}).get(c["arm"])
            best_cost = None if best is None else (
                best["time_s"] if best.get("time_s") is not None else best["first_s"])
            if best is None or cost < best_cost:
                chosen[c["tool"]][c["arm"]] = c
        # scipy cells were timed once while sweeping: time the chosen ones properly.
        for per_arm in chosen.values():
            for c in per_arm.values():
                if c.get("time_s") is None and "once" in c:
                    c["time_s"] = median_time(c["once"], self.runs)
        return chosen


def tool_order(tools):
    return sorted(tools, key=lambda t: (not t.startswith("hairsim"),
                                        not t.startswith("roadrunner"), t))


def summarize(study, target):
    chosen = study.choose(target)
    n = len(study.arms)
    rows = []
    hairsim_total = None
    complete = {t: per for t, per in chosen.items() if len(per) == n}
    # hairsim = the cheaper of its methods, per arm.
    h = [min((complete[t][a] for t in complete if t.startswith("hairsim")),
             key=lambda c: c["time_s"], default=None) for a in study.arms]
    if all(h):
        hairsim_total = sum(c["time_s"] for c in h)
    for tool in tool_order(chosen):
        per = chosen[tool]
        if len(per) < n:
            rows.append({"tool": tool, "reached": f"{len(per)}/{n} arms"})
            continue
        total = sum(c["time_s"] for c in per.values())
        work = [c.get("work") for c in per.values()]
        steps = [c.get("steps") for c in per.values()]
        rows.append({
            "tool": tool,
            "reached": f"{n}/{n} arms",
            "rtols": sorted({c["rtol"] for c in per.values()}),
            "time_per_arm_s": total / n,
            "worst_error": max(c["error"] for c in per.values()),
            "worst_hair_count_error": max(c["hair_count_error"] for c in per.values()),
            "rhs_evaluations": sum(work) if all(w is not None for w in work) else None,
            "steps": sum(steps) if all(s is not None for s in steps) else None,
            "ratio": total / hairsim_total if hairsim_total else None,
        })
    return rows, hairsim_total


def fmt_time(s):
    return f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"


def markdown(study, target, rows, hairsim_total):
    out = [f"#### `{study.name}`, target error ≤ {target:g} "
           f"({len(study.arms)} arms; hairsim = the fastest of "
           f"{', '.join(HAIRSIM_METHODS)} per arm: "
           f"{fmt_time(hairsim_total / len(study.arms)) if hairsim_total else 'n/a'} per arm)",
           "",
           "| tool | rtol chosen | time per arm | × hairsim | worst error | hair_count error "
           "| RHS evaluations (all arms) |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        if "time_per_arm_s" not in r:
            out.append(f"| {r['tool']} | target reached in {r['reached']} only | | | | | |")
            continue
        rt = ", ".join(f"{t:.0e}" for t in r["rtols"])
        work = (f"{r['rhs_evaluations']:,}" if r["rhs_evaluations"] is not None
                else f"n/a ({r['steps']:,} steps)" if r["steps"] is not None else "n/a")
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] is not None else "n/a"
        out.append(f"| {r['tool']} | {rt} | {fmt_time(r['time_per_arm_s'])} | {ratio} | "
                   f"{r['worst_error']:.1e} | {r['worst_hair_count_error']:.1e} | {work} |")
    return "\n".join(out)


def main():
    ensure_venv()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios", default="combo,stiff_pk",
                    help="comma-separated scenario stems under scenarios/")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per cell (median)")
    ap.add_argument("--quick", action="store_true",
                    help="tolerances 1e-4, 1e-6, 1e-8 only and 3 runs (a smoke test)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "peers"))
    args = ap.parse_args()
    tolerances = [1e-4, 1e-6, 1e-8] if args.quick else TOLERANCES
    runs = 3 if args.quick else args.runs
    sys.path.insert(0, str(ROOT / "tests" / "python"))
    sim = sim_binary()
    import numpy
    import roadrunner
    import scipy

    versions = (f"hairsim {run([sim, '--version']).strip()}, libroadrunner "
                f"{roadrunner.__version__}, scipy {scipy.__version__}, numpy "
                f"{numpy.__version__}, CPython {platform.python_version()}")
    md, csv_rows = [], []
    for stem in args.scenarios.split(","):
        scenario = ROOT / "scenarios" / f"{stem}.toml"
        with tempfile.TemporaryDirectory() as d:
            print(f"== {stem}", flush=True)
            study = Study(sim, scenario, runs, tolerances, Path(d))
            study.hairsim()
            study.roadrunner()
            study.scipy()
            for target in TARGETS:
                rows, hairsim_total = summarize(study, target)
                md.append(markdown(study, target, rows, hairsim_total))
                print("\n" + md[-1] + "\n", flush=True)
            for c in study.cells:
                csv_rows.append([stem, c["arm"], c["tool"], f"{c['rtol']:g}", f"{c['error']:.3e}",
                                 f"{c['hair_count_error']:.3e}",
                                 "" if c.get("time_s") is None else f"{c['time_s']:.6e}",
                                 "" if c.get("first_s") is None else f"{c['first_s']:.6e}",
                                 "" if c.get("work") is None else str(c["work"]),
                                 "" if c.get("steps") is None else str(c["steps"]),
                                 c.get("note", "")])
            env = study.environment
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    head = (f"Illustrative model — not clinical guidance. Peers bench, "
            f"{datetime.date.today().isoformat()}, {env['cpu']} ({env['cpus']} CPUs), "
            f"{env['os']}, {env['rustc']}; {versions}; {runs} timed runs per cell "
            f"(median) after a warm-up.")
    (out / "peers.md").write_text(head + "\n\n" + "\n\n".join(md) + "\n", encoding="utf-8")
    import csv

    with open(out / "peers.csv", "w", newline="", encoding="utf-8") as f:
        f.write(f"# {head}\n")
        w = csv.writer(f)
        w.writerow(["scenario", "arm", "tool", "rtol", "error", "hair_count_error",
                    "median_s", "single_run_s", "rhs_evaluations", "steps", "note"])
        w.writerows(csv_rows)
    print(head)
    print(f"wrote {out / 'peers.md'} and {out / 'peers.csv'}")


if __name__ == "__main__":
    main()
