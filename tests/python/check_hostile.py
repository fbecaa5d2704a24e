"""Check hairsim's outputs for scenarios whose names and descriptions are hostile
strings (used by tests/hostile_strings.rs). Issue 15: scenario files are
untrusted, so their text must come back as text, never run as code.

Illustrative model — not clinical guidance; this only checks the files' form.

    python check_hostile.py MANIFEST.json REPORT.json

Run it with the working directory where an injected payload would write its
sentinel file. It prints nothing itself: the report goes to REPORT.json, so
anything on stdout was printed by a module (an `os.system("echo …")` payload
writes to the process's stdout directly, past any redirection here). The
manifest:

    {"sentinel": "pwned",                         # relative to the working directory
     "control": "benign.py",                      # an export of a harmless scenario
     "simulate": ["issue.py"],                    # modules whose simulate() is run
     "modules": [{"path": "m0.py", "scenario": "...", "description": "...",
                  "arm": "...", "treatments": ["..."]}],
     "sbml": [{"path": "m0.xml", "name": "hairsim: SCENARIO / ARM",
               "arm": "...", "description": "..."}],
     "runs": [{"dir": "out/h00", "description": "...", "arms": ["...", "..."],
               "allowed": ["hair_count.svg", "timeseries.csv", ...]}]}

Modules: each is compiled with warnings as errors (an invalid escape sequence
would be a SyntaxWarning), its top level is checked to hold only the docstring,
imports, assignments, function definitions and the `__main__` guard, with the
same public names as the control export, then it is imported with stdout and
stderr captured: nothing may be printed, no file may appear in the working
directory, the sentinel may not exist, `SCENARIO`, `DESCRIPTION`, `ARM` and
`TREATMENTS` must equal the manifest's strings exactly, and `rhs` must return
one finite derivative per state.

SBML: libsbml reads each file with no error or fatal error, and the model's name
and the notes paragraph naming the scenario read back exactly.

Runs (`sim run` output folders): the folder holds only allowed file names,
timeseries.csv, summary.json and at least one SVG; every SVG parses as XML (expat) with no `script` element and no `on…` event
attribute; timeseries.csv (csv module) has exactly the expected arm names in
order; summary.json reads back the description and the arm names; report.html,
where present, parses (html.parser) with exactly two scripts (the page's own
and its JSON data), no `on…` attribute, no `src`, no link out of the page, no
embedded element, and reads back the description, the arm names (as text and in
the JSON data) and the scenario file exactly.

The report, written to REPORT.json: {"problems": [...], "counts": {"modules": N, "sbml": N, "svg": N,
"csv": N, "json": N, "html": N, "simulated": N}}.
"""

import ast
import contextlib
import csv
import html.parser
import importlib.util
import io
import json
import math
import os
import sys
import warnings
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True

ALLOWED_TOP_LEVEL = (ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef, ast.If)


def top_level_names(tree):
    """Public names a module's top level binds."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    names.add(t.id)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                names.add(a.asname or a.name.split(".")[0])
    return {n for n in names if not n.startswith("_")}


def structure_problems(tree):
    """Statements a generated module must not have at its top level."""
    problems = []
    for k, node in enumerate(tree.body):
        docstring = (
            k == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if docstring:
            continue
        if not isinstance(node, ALLOWED_TOP_LEVEL):
            problems.append(f"line {node.lineno}: top-level {type(node).__name__}")
        elif isinstance(node, ast.If) and ast.unparse(node.test) != "__name__ == '__main__'":
            problems.append(f"line {node.lineno}: top-level if {ast.unparse(node.test)}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if mod not in ("math", "numpy", "scipy.integrate"):
                problems.append(f"line {node.lineno}: imports {mod}")
    return problems


def compile_module(path):
    with open(path, "rb") as f:
        source = f.read()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = compile(source, path, "exec", dont_inherit=True)
        tree = ast.parse(source, path)
    return code, tree


def load(path, name):
    """Import the module at `path`; (module, printed text)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            spec.loader.exec_module(module)
    return module, printed.getvalue()


def check_module(entry, k, control_names, sentinel, problems):
    path = entry["path"]
    where = f"module {path} (arm {entry['arm']!r})"
    before = sorted(os.listdir("."))
    try:
        _, tree = compile_module(path)
    except (SyntaxError, SyntaxWarning, ValueError) as e:
        problems.append(f"{where}: does not compile: {e!r}")
        return None
    for p in structure_problems(tree):
        problems.append(f"{where}: {p}")
    names = top_level_names(tree)
    if names != control_names:
        problems.append(
            f"{where}: top-level names differ from the control export: "
            f"extra {sorted(names - control_names)}, missing {sorted(control_names - names)}"
        )
    try:
        module, printed = load(path, f"hostile_module_{k}")
    except BaseException as e:  # a payload could raise anything, even SystemExit
        problems.append(f"{where}: import failed: {e!r}")
        return None
    if printed:
        problems.append(f"{where}: importing printed {printed!r}")
    if os.path.exists(sentinel):
        problems.append(f"{where}: the sentinel {sentinel} exists after import")
    after = sorted(os.listdir("."))
    if after != before:
        problems.append(f"{where}: importing changed the working directory: {before} -> {after}")
    for const, key in [
        ("SCENARIO", "scenario"),
        ("DESCRIPTION", "description"),
        ("ARM", "arm"),
        ("TREATMENTS", "treatments"),
    ]:
        if key in entry and getattr(module, const, None) != entry[key]:
            problems.append(
                f"{where}: {const} reads back as {getattr(module, const, None)!r}, "
                f"want {entry[key]!r}"
            )
    try:
        dy = module.rhs(0.0, module.Y0, module.INPUTS0)
        if len(dy) != len(module.STATES) or not all(math.isfinite(v) for v in dy):
            problems.append(f"{where}: rhs gave {dy!r}")
    except Exception as e:
        problems.append(f"{where}: rhs failed: {e!r}")
    return module


def check_sbml(entry, problems):
    import libsbml

    path = entry["path"]
    where = f"SBML {path}"
    doc = libsbml.readSBMLFromFile(path)
    serious = [
        doc.getError(i)
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    for e in serious:
        problems.append(f"{where}: libsbml: {e.getMessage().strip()}")
    model = doc.getModel()
    if model is None:
        problems.append(f"{where}: libsbml found no model")
        return
    if model.getName() != entry["name"]:
        problems.append(f"{where}: model name {model.getName()!r}, want {entry['name']!r}")
    # The notes paragraph as XML text: expat decodes the entities back.
    ns = {"s": "http://www.sbml.org/sbml/level3/version2/core", "h": "http://www.w3.org/1999/xhtml"}
    paragraphs = [
        p.text or ""
        for p in ET.parse(path).getroot().findall("s:model/s:notes/h:body/h:p", ns)
    ]
    want = f"({entry['description']}), arm `{entry['arm']}`."
    if not any(want in p for p in paragraphs):
        problems.append(f"{where}: no notes paragraph holds {want!r}: {paragraphs!r}")


def check_svg(path, problems):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        problems.append(f"SVG {path}: not well-formed XML: {e}")
        return
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1].lower() in ("script", "foreignobject"):
            problems.append(f"SVG {path}: has a <{el.tag}> element")
        for attr in el.attrib:
            if attr.rsplit("}", 1)[-1].lower().startswith("on"):
                problems.append(f"SVG {path}: <{el.tag}> has the attribute {attr}")


class Page(html.parser.HTMLParser):
    """Everything check_html needs from a report, in one pass."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.scripts = []
        self.stack = []
        self.texts = {"p.description": [], "dt": [], "pre": []}
        self.current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has the attribute {name}")
            if name == "src" or (name == "href" and not (value or "").startswith("#")):
                self.problems.append(f"<{tag}> points out of the page: {name}={value!r}")
        if tag in ("img", "iframe", "object", "embed", "link", "base", "foreignobject", "form"):
            self.problems.append(f"a <{tag}> element")
        if tag == "script":
            self.scripts.append([a, ""])
        key = None
        if tag == "p" and a.get("class") == "description":
            key = "p.description"
        elif tag == "dt" and self.stack and "narrative" in self.stack:
            key = "dt"
        elif tag == "pre":
            key = "pre"
        if tag == "dl" and a.get("class") == "narrative":
            self.stack.append("narrative")
        elif tag not in ("br", "meta", "input", "line", "path", "rect"):
            self.stack.append(tag)
        if key:
            self.current = key
            self.texts[key].append("")

    def handle_endtag(self, tag):
        if tag in ("p", "dt", "pre"):
            self.current = None
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.scripts and self.lasttag == "script":
            self.scripts[-1][1] += data
        if self.current:
            self.texts[self.current][-1] += data


def check_html(path, run, problems):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    page.close()
    problems.extend(f"{path}: {p}" for p in page.problems)
    kinds = [s[0].get("type") for s in page.scripts]
    if kinds != ["application/json", None]:
        problems.append(f"{path}: scripts {kinds!r}, want the data and the page's own")
        return
    data = json.loads(page.scripts[0][1])
    names = [a["name"] for a in data["arms"]]
    if names != run["arms"]:
        problems.append(f"{path}: the data's arms {names!r}, want {run['arms']!r}")
    if run["description"] and page.texts["p.description"] != [run["description"]]:
        problems.append(
            f"{path}: description {page.texts['p.description']!r}, want {run['description']!r}")
    if page.texts["dt"] != run["arms"]:
        problems.append(f"{path}: narrative arms {page.texts['dt']!r}, want {run['arms']!r}")
    with open(run["scenario"], encoding="utf-8") as f:
        text = f.read()
    if page.texts["pre"] != [text]:
        problems.append(f"{path}: the scenario text shown is not the file's")


def check_run(run, counts, problems):
    d = run["dir"]
    present = sorted(os.listdir(d))
    unexpected = [f for f in present if f not in run["allowed"]]
    if unexpected:
        problems.append(f"run {d}: unexpected files {unexpected}")
    if not {"timeseries.csv", "summary.json"} <= set(present) or not any(
        f.endswith(".svg") for f in present
    ):
        problems.append(f"run {d}: missing outputs, holds only {present}")
    for name in present:
        path = os.path.join(d, name)
        if name.endswith(".svg"):
            check_svg(path, problems)
            counts["svg"] += 1
    if "report.html" in present:
        check_html(os.path.join(d, "report.html"), run, problems)
        counts["html"] += 1
    csv_path = os.path.join(d, "timeseries.csv")
    if os.path.exists(csv_path):
        with open(csv_path, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
        arms = []
        for r in rows[1:]:
            if not arms or arms[-1] != r[0]:
                arms.append(r[0])
        if rows[0][:2] != ["arm", "time_days"] or arms != run["arms"]:
            problems.append(f"run {d}: timeseries.csv arms {arms!r}, want {run['arms']!r}")
        counts["csv"] += 1
    json_path = os.path.join(d, "summary.json")
    if os.path.exists(json_path):
        with open(json_path, encoding="utf-8") as f:
            summary = json.load(f)
        if summary.get("description") != run["description"]:
            problems.append(
                f"run {d}: summary.json description {summary.get('description')!r}, "
                f"want {run['description']!r}"
            )
        arms = [a.get("name") for a in summary.get("arms", [])]
        if arms != run["arms"]:
            problems.append(f"run {d}: summary.json arms {arms!r}, want {run['arms']!r}")
        counts["json"] += 1


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    sentinel = manifest["sentinel"]
    problems = []
    counts = {"modules": 0, "sbml": 0, "svg": 0, "csv": 0, "json": 0, "html": 0,
              "simulated": 0}
    _, control_tree = compile_module(manifest["control"])
    control_names = top_level_names(control_tree)
    modules = {}
    for k, entry in enumerate(manifest.get("modules", [])):
        modules[entry["path"]] = check_module(entry, k, control_names, sentinel, problems)
        counts["modules"] += 1
    for path in manifest.get("simulate", []):
        module = modules.get(path)
        if module is None:
            problems.append(f"module {path}: not imported, cannot simulate")
            continue
        columns, _ = module.simulate()
        hair = columns["hair_count"]
        if hair.size != len(module.OUTPUT_TIMES) or not all(math.isfinite(v) for v in hair):
            problems.append(f"module {path}: simulate gave hair counts {hair!r}")
        counts["simulated"] += 1
    for entry in manifest.get("sbml", []):
        check_sbml(entry, problems)
        counts["sbml"] += 1
    for run in manifest.get("runs", []):
        check_run(run, counts, problems)
    if os.path.exists(sentinel):
        problems.append(f"the sentinel {sentinel} exists")
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"problems": problems, "counts": counts}, f)


if __name__ == "__main__":
    main()
