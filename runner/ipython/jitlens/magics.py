"""The magics of ``%load_ext jitlens``: see the package's docstring."""

import ast
import builtins
import html
import inspect
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.display import display

__all__ = ["JitlensMagics"]

# The first line of a samples file (runner/python/jl_inputs.py reads it).
SAMPLES_MAGIC = b"JITLENS-SAMPLES 1\n"

# `jitlens bench` options `%jitlens_bench` passes on, each with one value.
BENCH_OPTIONS = ("--framework", "--rounds", "--timeout", "--threads")


def binary():
    """The ``jitlens`` binary: ``$JITLENS_BIN``, ``PATH``, or the scripts folder of this Python."""
    named = os.environ.get("JITLENS_BIN")
    if named:
        return named
    found = shutil.which("jitlens")
    if found:
        return found
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(folder, "jitlens.exe" if os.name == "nt" else "jitlens")
        if os.path.isfile(candidate):
            return candidate
    raise UsageError("no jitlens binary: `pip install jitlens`, or set JITLENS_BIN")


def run_jitlens(args, cwd):
    """Runs the binary with ``args``; the completed process (stdout and stderr as text)."""
    return subprocess.run(
        [binary(), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


@magics_class
class JitlensMagics(Magics):
    """The jitlens magics."""

    @cell_magic
    def jitlens(self, line, cell):
        """Runs the cell, then shows its diagnostics and verdicts (``jitlens check``)."""
        self.shell.run_cell(cell)
        code = self.shell.transform_cell(cell)
        prefix = history_imports(self.shell)
        # The cell's line 1 is `%%jitlens`; its code starts on line 2.
        shift = len(prefix) - 1
        with tempfile.TemporaryDirectory(prefix="jitlens-") as folder:
            path = os.path.join(folder, "cell.py")
            with open(path, "w", encoding="utf-8") as stream:
                stream.write("".join(line + "\n" for line in prefix) + code)
            done = run_jitlens(
                ["check", "--output-format", "json", "--all-verdicts", path], folder
            )
        if done.returncode not in (0, 1):
            raise UsageError(f"jitlens check failed: {done.stderr.strip()}")
        report = json.loads(done.stdout)
        show(check_bundle(report, shift))

    @line_magic
    def jitlens_bench(self, line):
        """Benchmarks the best rewrite of ``f`` on the notebook's values: ``%jitlens_bench f(x)``."""
        options, expression = split_options(line)
        name, args, kwargs = evaluate_call(expression, self.shell.user_ns)
        function = self.shell.user_ns[name]
        module = module_source(function, name, self.shell)
        try:
            pickled = pickle.dumps({"args": tuple(args), "kwargs": kwargs}, protocol=4)
        except Exception as error:  # noqa: BLE001 - any value may refuse to pickle
            raise UsageError(
                f"the arguments of {name} cannot be pickled ({type(error).__name__}: {error})"
            ) from None
        with tempfile.TemporaryDirectory(prefix="jitlens-") as folder:
            path = os.path.join(folder, "notebook_functions.py")
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(module)
            samples = os.path.join(folder, "inputs.samples")
            with open(samples, "wb") as stream:
                stream.write(samples_file([pickled]))
            done = run_jitlens(
                ["bench", f"{path}::{name}", "--samples", samples, "--python", sys.executable,
                 "--json", *options],
                folder,
            )
        if not done.stdout.strip():
            raise UsageError(f"jitlens bench failed: {done.stderr.strip()}")
        result = json.loads(done.stdout)
        candidate = next(
            (line[len("candidate: "):] for line in done.stderr.splitlines()
             if line.startswith("candidate: ")),
            None,
        )
        show(bench_bundle(name, result, candidate))


def show(bundle):
    """Displays a MIME bundle as it is."""
    display(bundle, raw=True)


def split_options(line):
    """``--framework numba f(x)`` as (``["--framework", "numba"]``, ``"f(x)"``)."""
    options = []
    rest = line.strip()
    while rest.startswith("--"):
        match = re.match(r"(--[\w-]+)\s+(\S+)\s*", rest)
        if not match or match.group(1) not in BENCH_OPTIONS:
            raise UsageError(
                f"unknown option in `{rest}`: %jitlens_bench takes {', '.join(BENCH_OPTIONS)}"
            )
        options += [match.group(1), match.group(2)]
        rest = rest[match.end():]
    return options, rest


def evaluate_call(expression, namespace):
    """``f(x, *ys, k=v)`` evaluated in ``namespace``: (``"f"``, args, kwargs)."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise UsageError(f"`{expression}` is no call: write %jitlens_bench f(x, y)") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise UsageError(f"`{expression}` is no call of a function by name: %jitlens_bench f(x)")

    def value(node):
        # The user's own expression, in the user's own namespace.
        return eval(compile(ast.Expression(node), "<jitlens_bench>", "eval"), namespace)

    if call.func.id not in namespace:
        raise UsageError(f"`{call.func.id}` is not defined in this notebook")
    args, kwargs = [], {}
    for node in call.args:
        if isinstance(node, ast.Starred):
            args.extend(value(node.value))
        else:
            args.append(value(node))
    for keyword in call.keywords:
        if keyword.arg is None:
            kwargs.update(value(keyword.value))
        else:
            kwargs[keyword.arg] = value(keyword.value)
    return call.func.id, args, kwargs


def samples_file(pickles):
    """A samples file of pickled ``{"args", "kwargs"}`` sets, one header line before each."""
    out = bytearray(SAMPLES_MAGIC)
    for call, data in enumerate(pickles, start=1):
        header = {"k": 0, "call": call, "signature": "", "complete": True, "omitted": [],
                  "bytes": len(data)}
        out += json.dumps(header).encode() + b"\n" + data
    return bytes(out)


def used_names(code):
    """Every name the code mentions; empty when it does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def bound_names(statement):
    """The names an import statement binds."""
    names = []
    for alias in statement.names:
        if alias.asname:
            names.append(alias.asname)
        elif isinstance(statement, ast.Import):
            names.append(alias.name.split(".")[0])
        else:
            names.append(alias.name)
    return names


def history_imports(shell):
    """The top-level imports of the cells run so far, in order, each once.

    All of them, not only those the code uses: the analyzer reads a module's imports (a function
    in a module that imports numpy is judged as numerical code), and the notebook has them all.
    """
    out = []
    for source in shell.history_manager.input_hist_parsed:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for statement in tree.body:
            if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                continue
            text = ast.unparse(statement)
            if text not in out:
                out.append(text)
    return out


def definition_source(value):
    """The source of a notebook function or class, dedented; ``None`` when it is not to be had."""
    value = getattr(value, "py_func", value)  # Ex) a Numba dispatcher.
    try:
        return textwrap.dedent(inspect.getsource(inspect.unwrap(value)))
    except (OSError, TypeError):
        return None


def module_source(function, name, shell):
    """A module that defines ``name`` as the notebook does: the imports, constants and notebook
    functions it uses (transitively), then its own source."""
    namespace = shell.user_ns
    source = definition_source(function)
    if source is None:
        raise UsageError(f"the source of `{name}` is not to be had (define it in a cell)")
    definitions = []  # (name, source), dependencies first
    constants = []
    missing = []
    seen = {name}

    def visit(code):
        for used in sorted(used_names(code)):
            if used in seen or used not in namespace:
                continue
            seen.add(used)
            value = namespace[used]
            if inspect.ismodule(value):
                continue
            is_local = (inspect.isfunction(value) or inspect.isclass(value)
                        or hasattr(value, "py_func")) and getattr(value, "__module__", "") == "__main__"
            if is_local:
                text = definition_source(value)
                if text is None:
                    missing.append(used)
                    continue
                visit(text)
                definitions.append(text)
            elif is_literal(value):
                constants.append(f"{used} = {value!r}")
            elif not hasattr(builtins, used) and getattr(value, "__module__", "__main__") == "__main__":
                missing.append(used)

    visit(source)
    body = definitions + [source]
    names = used_names("\n".join(body) + "\n" + "\n".join(constants))
    imports = history_imports(shell)
    # Modules the notebook bound some other way (`np = importlib.import_module(...)`).
    imported = {bound for line in imports for bound in bound_names(ast.parse(line).body[0])}
    for used in sorted(names - imported):
        value = namespace.get(used)
        if inspect.ismodule(value):
            imports.append(f"import {value.__name__} as {used}")
    parts = ["\n".join(imports), "\n".join(constants), *body]
    if missing:
        parts.insert(0, "# Left out (not functions, literals or imports): " + ", ".join(missing))
    return "\n\n\n".join(part.rstrip("\n") for part in parts if part) + "\n"


def is_literal(value):
    """A value that ``repr`` writes as Python source that makes it again."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return True
    if isinstance(value, tuple):
        return all(is_literal(item) for item in value)
    return False


def check_bundle(report, shift):
    """The report of ``%%jitlens`` as HTML and text, its lines counted in the cell."""
    diagnostics = report.get("diagnostics", [])
    errors = report.get("parse_errors", [])
    rows, text = [], []
    for error in errors:
        line = error.get("line", 1) - shift
        rows.append(row(line, "SyntaxError", "error", error.get("message", "")))
        text.append(f"line {line}: SyntaxError {error.get('message', '')}")
    for diagnostic in diagnostics:
        line = diagnostic["range"]["start"]["line"] - shift
        rows.append(row(line, f"{diagnostic['code']} {diagnostic['name']}",
                        diagnostic["severity"], diagnostic["message"]))
        text.append(f"line {line}: {diagnostic['code']} ({diagnostic['severity']}) "
                    f"{diagnostic['message']}")
    parts = ['<div class="jitlens-check">']
    if rows:
        parts.append("<table><thead><tr><th>line</th><th>rule</th><th>severity</th>"
                     "<th>what was found</th></tr></thead><tbody>")
        parts += rows
        parts.append("</tbody></table>")
    else:
        parts.append("<p>jitlens: no diagnostics in this cell.</p>")
        text.append("jitlens: no diagnostics in this cell.")
    for function in report.get("functions", []):
        line = function["range"]["start"]["line"] - shift
        parts.append(f"<p><b><code>{esc(function['name'])}</code></b> (line {line})</p><ul>")
        text.append(f"{function['name']} (line {line}):")
        for verdict in function.get("verdicts", []):
            estimate = verdict.get("estimate")
            gain = (f" {estimate['speedup_low']:.1f}x-{estimate['speedup_high']:.1f}x"
                    if estimate else "")
            parts.append(f"<li><b>{esc(verdict['framework'])}</b>: {esc(verdict['benefit'])}"
                         f"{esc(gain)}. {esc(verdict['summary'])}</li>")
            text.append(f"  {verdict['framework']}: {verdict['benefit']}{gain}. "
                        f"{verdict['summary']}")
        parts.append("</ul>")
    parts.append("</div>")
    return {"text/html": "".join(parts), "text/plain": "\n".join(text),
            "application/json": report}


def row(line, rule, severity, message):
    """One table row of ``check_bundle``."""
    return (f"<tr><td>{line}</td><td><code>{esc(rule)}</code></td><td>{esc(severity)}</td>"
            f"<td>{esc(message)}</td></tr>")


def esc(text):
    """Text for HTML."""
    return html.escape(str(text))


def seconds(value):
    """Seconds in the unit that suits them, as ``jitlens bench`` writes them."""
    if value >= 1.0:
        return f"{value:.3f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3f} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.3f} us"
    return f"{value * 1e9:.1f} ns"


def bench_bundle(name, result, candidate):
    """The result of ``%jitlens_bench`` as HTML and text, and the JobResult as JSON."""
    lines = [("function", name)]
    if candidate:
        lines.append(("candidate", candidate))
    lines.append(("status", result.get("status", "")))
    if result.get("error"):
        lines.append(("error", result["error"]))
    equivalence = result.get("equivalence")
    if equivalence:
        verdict = "passed" if equivalence["passed"] else "FAILED"
        lines.append(("equivalence", (f"{verdict} ({equivalence['cases']} case(s), max abs "
                                      f"error {equivalence['max_abs_error']:.3e})")))
        lines += [("", failure) for failure in equivalence.get("failures", [])]
    for side in ("original", "candidate"):
        timing = result.get(side)
        if timing:
            lines.append((f"{side} time", (f"{seconds(timing['median_s'])} per call "
                                           f"(IQR {seconds(timing['iqr_s'])})")))
    compile_ = result.get("compile")
    if compile_:
        lines.append(("compile time",
                      f"{seconds(compile_['first_call_s'])} (first call: compile and run)"))
    speedup = result.get("speedup")
    if speedup:
        lines.append(("speedup", f"{speedup['median']:.2f}x"))
        lines.append(("95% interval", (f"{speedup['ci_low']:.2f}x to {speedup['ci_high']:.2f}x"
                                       f" ({result.get('verdict', '')})")))
    if result.get("break_even_calls") is not None:
        lines.append(("break-even", f"after {result['break_even_calls']} calls"))
    lines += [("warning", warning) for warning in result.get("warnings", [])]
    body = "".join(f"<tr><th style=\"text-align:left\">{esc(key)}</th><td>{esc(value)}</td></tr>"
                   for key, value in lines)
    width = max(len(key) for key, _ in lines)
    text = "\n".join(f"{key:<{width}}  {value}" for key, value in lines)
    return {"text/html": f'<table class="jitlens-bench">{body}</table>', "text/plain": text,
            "application/json": result}
