"""Check exported arms against `sim run`'s timeseries.csv (used by tests/export.rs).

Illustrative model — not clinical guidance; this only checks that the exports
compute the same numbers as hairsim.

    python check_exports.py MANIFEST.json      # prints a JSON report on stdout

The manifest names one CSV (`sim run`'s timeseries.csv, every arm of one
scenario) and, per arm, its exported SBML file and Python module:

    {"csv": "...", "arms": [{"name": "...", "sbml": "...", "module": "..."}],
     "checks": ["sbml", "roadrunner", "scipy"],          # optional, default all
     "roadrunner": {"rtol": 1e-10, "atol": 1e-12,      # optional
                    "retries": [{"maximum_bdf_order": 2}]},  # optional
     "scipy": {"method": "DOP853", "rtol": 1e-10, "atol": 1e-12},   # optional
     "perturb": {"parameter": "anagen_days", "factor": 1.001}}      # optional

For each arm it reports (a) libsbml's consistency check: errors, and warnings by
category; (b) libroadrunner (CVODE) on the SBML and (c) the module's
`simulate` (scipy solve_ivp), each as the worst error over every CSV column
except `arm` and `time_days`, at every output time of that arm, where

    error = |a - b| / max(|b|, floor_c)      (a: peer, b: sim's CSV)
    floor_c = FLOOR_FRACTION * max |b_c| over all arms and times (or TINY if 0)

Why a floor: growth_factor and stimulation decay towards exactly 0 between
sessions, and a value of 1e-12 is printed in the CSV with only a few significant
digits (fixed 17 decimals) and is below both solvers' absolute tolerance
(1e-12), so its relative error means nothing. With FLOOR_FRACTION = 1e-3,
values under a thousandth of the column's largest value are held to an
absolute error of 1e-5 * 1e-3 * scale = 1e-8 * scale instead: far below
anything visible, still far above rounding and tolerance noise. Every other
column (phase fractions, hair count, diameter, DHT, inflammation) stays well
above its floor, so for them this is a plain relative error.

Rows at event times: sim's CSV shows the state after the event. libroadrunner,
asked for an output time equal to an event's trigger time, also reports the
post-event value (checked on the hand-written fixture by tests/export.rs), and
the module's `simulate` does by contract, so every row is compared, including
those at event times.

`perturb` multiplies one parameter, in the module's `p` and in the SBML, before
simulating: the negative control that proves a wrong model is caught.
"""

import importlib.util
import json
import sys
import time

import numpy as np

FLOOR_FRACTION = 1e-3
TINY = 1e-12


def read_csv(path):
    """sim's timeseries.csv: {arm: {column: np.array}}, columns in file order."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    reader = csv.reader(lines)
    header = next(reader)
    arms = {}
    for row in reader:
        if not row:
            continue
        arms.setdefault(row[0], []).append([float(x) for x in row[1:]])
    out = {}
    for name, rows in arms.items():
        m = np.array(rows)
        out[name] = {c: m[:, i] for i, c in enumerate(header[1:])}
    return header[2:], out


def floors(columns, data):
    f = {}
    for c in columns:
        scale = max(float(np.max(np.abs(d[c]))) for d in data.values())
        f[c] = FLOOR_FRACTION * scale if scale > 0 else TINY
    return f


def compare(got, want, columns, floor, times):
    """Worst normalized error per column; got[c] and want[c] are arrays."""
    per_column = {}
    worst = {"error": 0.0, "column": None, "time_days": None}
    for c in columns:
        a = np.asarray(got[c], dtype=float)
        b = want[c]
        if a.shape != b.shape:
            raise ValueError(f"column {c}: {a.shape[0]} values, CSV has {b.shape[0]}")
        err = np.abs(a - b) / np.maximum(np.abs(b), floor[c])
        err = np.where(np.isfinite(err), err, np.inf)
        i = int(np.argmax(err))
        per_column[c] = float(err[i])
        if err[i] > worst["error"] or worst["column"] is None:
            worst = {"error": float(err[i]), "column": c, "time_days": float(times[i]),
                     "got": float(a[i]), "want": float(b[i])}
    return {"worst": worst, "per_column": per_column}


def check_sbml(path):
    import libsbml

    doc = libsbml.readSBMLFromFile(path)
    read_errors = doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) + doc.getNumErrors(
        libsbml.LIBSBML_SEV_FATAL)
    doc.checkConsistency()
    errors, warnings, messages = 0, {}, []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            errors += 1
            if len(messages) < 5:
                messages.append(f"line {e.getLine()}: {e.getCategoryAsString()} "
                                f"{e.getErrorId()}: {e.getMessage().strip()}")
        else:
            cat = e.getCategoryAsString()
            warnings[cat] = warnings.get(cat, 0) + 1
    model = doc.getModel()
    return {
        "errors": errors + read_errors,
        "warnings": sum(warnings.values()),
        "warnings_by_category": warnings,
        "messages": messages,
        "level_version": [doc.getLevel(), doc.getVersion()],
        "time_units": model.getTimeUnits() if model is not None else None,
    }


def run_roadrunner(path, columns, times, settings, perturb):
    """libroadrunner's CVODE on the SBML. Where a decayed state sits at
    denormal values (1e-300) CVODE's high-order BDF can stop with
    CV_ILL_INPUT, CV_CONV_FAILURE or CV_TOO_MUCH_ACC, depending on its step
    sequence; on those errors only, the run is repeated with each of
    `retries` (integrator settings such as {"maximum_bdf_order": 2}) in
    turn, and the one used is reported. The comparison against sim stays as
    strict."""
    attempts = [{}] + list(settings.get("retries", []))
    for i, extra in enumerate(attempts):
        try:
            got, info = _roadrunner_once(path, columns, times, settings, perturb, extra)
            return got, {**info, "integrator_retry": extra}
        except RuntimeError as e:
            recoverable = any(code in str(e) for code in
                              ("CV_ILL_INPUT", "CV_CONV_FAILURE", "CV_TOO_MUCH_ACC"))
            if not recoverable or i + 1 == len(attempts):
                raise


def _roadrunner_once(path, columns, times, settings, perturb, extra):
    import roadrunner

    rr = roadrunner.RoadRunner(path)
    rr.integrator.relative_tolerance = settings.get("rtol", 1e-10)
    rr.integrator.absolute_tolerance = settings.get("atol", 1e-12)
    rr.integrator.maximum_num_steps = settings.get("max_steps", 1_000_000)
    for key, value in extra.items():
        rr.integrator.setValue(key, value)
    if perturb:
        name = perturb["parameter"]
        rr.setValue(name, rr.getValue(name) * perturb["factor"])
    rr.timeCourseSelections = ["time"] + list(columns)
    t0 = time.perf_counter()
    res = np.array(rr.simulate(times=list(times)))
    elapsed = time.perf_counter() - t0
    if res.shape[0] != len(times) or np.max(np.abs(res[:, 0] - times)) > 1e-9:
        raise RuntimeError("roadrunner returned other output times than asked for")
    return {c: res[:, i + 1] for i, c in enumerate(columns)}, {"seconds": elapsed}


def load_module(path, tag):
    spec = importlib.util.spec_from_file_location(f"hairsim_export_{tag}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_module(path, tag, columns, times, settings, perturb):
    mod = load_module(path, tag)
    missing = [c for c in columns if c not in mod.OUTPUTS]
    if missing:
        raise RuntimeError(f"module OUTPUTS lacks CSV columns {missing}")
    p = dict(mod.PARAMETERS)
    if perturb:
        name = perturb["parameter"]
        if name not in p:
            raise KeyError(f"perturb: no parameter {name!r} in PARAMETERS "
                           f"(has {sorted(p)[:8]}…)")
        p[name] *= perturb["factor"]
    t0 = time.perf_counter()
    cols, stats = mod.simulate(
        np.array(times), method=settings.get("method", "DOP853"),
        rtol=settings.get("rtol", 1e-10), atol=settings.get("atol", 1e-12), p=p)
    elapsed = time.perf_counter() - t0
    if np.max(np.abs(np.asarray(cols["time_days"]) - times)) > 1e-9:
        raise RuntimeError("simulate returned other output times than asked for")
    doc = mod.__doc__ or ""
    return cols, {"seconds": elapsed, "nfev": stats.get("nfev"),
                  "segments": stats.get("segments"),
                  "labelled": "not clinical guidance" in doc.lower()}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    checks = manifest.get("checks", ["sbml", "roadrunner", "scipy"])
    perturb = manifest.get("perturb")
    columns, data = read_csv(manifest["csv"])
    floor = floors(columns, data)
    report = {"columns": columns, "floors": floor, "arms": []}
    for k, arm in enumerate(manifest["arms"]):
        name = arm["name"]
        if name not in data:
            raise KeyError(f"arm {name!r} not in {manifest['csv']} (has {list(data)})")
        want = data[name]
        times = want["time_days"]
        entry = {"name": name, "rows": int(len(times))}
        try:
            if "sbml" in checks:
                entry["sbml"] = check_sbml(arm["sbml"])
            if "roadrunner" in checks:
                got, info = run_roadrunner(arm["sbml"], columns, times,
                                           manifest.get("roadrunner", {}), perturb)
                entry["roadrunner"] = {**compare(got, want, columns, floor, times), **info}
            if "scipy" in checks:
                got, info = run_module(arm["module"], k, columns, times,
                                       manifest.get("scipy", {}), perturb)
                entry["scipy"] = {**compare(got, want, columns, floor, times), **info}
        except Exception as e:  # reported per arm, so one bad arm names itself
            entry["failure"] = f"{type(e).__name__}: {e}"
        report["arms"].append(entry)
    versions = {"python": sys.version.split()[0], "numpy": np.__version__}
    for mod in ("scipy", "roadrunner", "libsbml"):
        try:
            m = __import__(mod)
            versions[mod] = getattr(m, "__version__", None) or m.getLibSBMLDottedVersion()
        except ImportError:
            versions[mod] = None
    report["versions"] = versions
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
