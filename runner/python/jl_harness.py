"""The jitlens benchmark harness: one job, run by `jitlens serve` or `jitlens bench`.

    python -B jl_harness.py JOB.json [--watchdog]     # a job
    python -B jl_harness.py JOB.json --jit-off        # the candidate with its JIT switched off

A job of kind "profile" line-profiles the original instead, with every JIT off (jl_profile.py).

The runner writes these files into the job's fresh temporary folder. Protocol: the process's
original stdout carries JSON lines only (`{"event": "progress", ...}`, then one
`{"event": "result", ...}`); the user's prints go to stderr. With `--watchdog`, stdin is a pipe
from the runner: when it closes (the runner died), the whole process group is killed.

Order: load both functions, build the inputs, the cold first call of the candidate (timed
apart), equivalence over every case, then interleaved timing, then the candidate once with its
JIT off. Timing only happens when the candidate matches.
"""

import copy
import itertools
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROUNDS = 20
MIN_SAMPLE_S = 0.1
SEEDS = 3


class JobError(Exception):
    """The job cannot go on; the message is for the user."""


class Channel:
    """The protocol line stream, kept apart from whatever the user's code prints."""

    def __init__(self, watchdog):
        self._out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        if watchdog:
            runner_pipe = os.dup(0)
            threading.Thread(target=self._watch, args=(runner_pipe,), daemon=True).start()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        self._last = 0.0

    @staticmethod
    def _watch(fd):
        while os.read(fd, 4096):
            pass
        os.killpg(os.getpgrp(), signal.SIGKILL)

    def send(self, message):
        self._out.write(json.dumps(message) + "\n")
        self._out.flush()

    def progress(self, phase, percent, force=False):
        now = time.monotonic()
        if force or now - self._last >= 0.2:
            self._last = now
            self.send({"event": "progress", "phase": phase, "percent": round(percent, 1)})


def set_threads(threads):
    """Pins the thread pools before numpy, torch, numba or XLA are imported."""
    if not threads:
        return
    value = str(threads)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                 "NUMBA_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = value
    if threads == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1").strip()


def load_module(name, source):
    path = os.path.join(os.getcwd(), f"{name}.py")
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - any error in the user's module is reported to them
        raise JobError(f"the {name.replace('jitlens_', '')} module raised while loading:\n"
                       f"{traceback.format_exc(limit=-3)}") from None
    return module


def lookup(module, qualified, label):
    value = module
    for part in qualified.split("."):
        value = getattr(value, part, None)
        if value is None:
            raise JobError(f"the {label} module has no function `{qualified}`")
    if not callable(value):
        raise JobError(f"`{qualified}` in the {label} module is not callable")
    return value


def load_functions(job):
    """(original, candidate, framework) as the job describes them."""
    import jl_frameworks

    name = job["function"]
    original = lookup(load_module("jitlens_original", job["source"]), name, "original")
    framework = job.get("framework")
    if job.get("original_jit_off"):
        # The function as written (compiled) against its own Python under the decorator.
        plain = jl_frameworks.unwrap(framework, original)
        if plain is None or plain is original:
            raise JobError(f"`{name}` is not compiled as written: there is no JIT to switch off")
        return plain, original, framework or jl_frameworks.detect(original)
    if job.get("candidate_source"):
        module = load_module("jitlens_candidate", job["candidate_source"])
        candidate = lookup(module, name, "candidate")
        return original, candidate, framework or jl_frameworks.detect(candidate)
    if not framework:
        raise JobError("nothing to compare: give a framework or a candidate source")
    plain = lookup(load_module("jitlens_candidate", job["source"]), name, "candidate")
    try:
        return original, jl_frameworks.decorate(framework, plain), framework
    except ImportError as error:
        raise JobError(f"{framework} is not installed in this Python: {error}") from None


def cuda_available():
    torch = sys.modules.get("torch")
    try:
        return torch is not None and torch.cuda.is_available()
    except Exception:  # noqa: BLE001 - a broken CUDA install is no CUDA
        return False


def call(fn, case):
    _, args, kwargs = case
    return fn(*args, **kwargs)


def cycling(fn, cases):
    """A call of `fn` on the next case each time, round and round in order."""
    ring = itertools.cycle(cases)

    def next_call():
        _, args, kwargs = next(ring)
        return fn(*args, **kwargs)

    return next_call


def fresh(case):
    label, args, kwargs = case
    return label, copy.deepcopy(args), copy.deepcopy(kwargs)


def short_error(error):
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 2000 else text[:2000] + " ..."


def run_job(job, job_path, channel):
    import jl_compare
    import jl_frameworks
    import jl_inputs
    import jl_probe
    import jl_timing

    result = {"status": "done", "warnings": []}
    channel.progress("load", 1, force=True)
    original, candidate, framework = load_functions(job)
    name = job["function"]
    channel.progress("inputs", 5, force=True)
    captured = bool(job.get("samples_file"))
    try:
        if captured:
            cases = jl_inputs.captured(job["samples_file"])
        else:
            cases = jl_inputs.cases(job.get("setup"), original, name, SEEDS)
    except jl_inputs.InputError as error:
        raise JobError(str(error)) from None
    except Exception:  # noqa: BLE001 - the setup is user code
        if "cuda" in (job.get("setup") or "").lower() and not cuda_available():
            raise JobError("GPU path not run: the setup puts its inputs on CUDA, but no CUDA "
                           "GPU is usable here; the CPU numbers are all this machine can give"
                           ) from None
        raise JobError(f"the setup code raised:\n{traceback.format_exc(limit=-3)}") from None
    timing_case = cases[0]
    device = jl_frameworks.device_of(list(timing_case[1]) + list(timing_case[2].values()))
    result["device"] = device
    sync = jl_frameworks.make_sync(device)

    # The cold first call of the candidate, apart from everything else.
    channel.progress("compile", 8, force=True)
    breaks_before = jl_frameworks.graph_breaks()
    case = fresh(timing_case)
    sync()
    start = time.perf_counter()
    try:
        output = call(candidate, case)
        sync(output)
        first_call_s = time.perf_counter() - start
        first_error = None
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - the candidate failing is a finding
        first_call_s = time.perf_counter() - start
        first_error = short_error(error)
    compiles_after_first = jl_frameworks.compile_count(framework, candidate)
    compile_info = {"first_call_s": first_call_s, "recompiles": 0, "graph_breaks": 0}
    result["compile"] = compile_info

    # Equivalence on every case: return values and mutated arguments.
    report = jl_compare.Report()
    equivalence = {"passed": False, "cases": len(cases)}
    if first_error is not None:
        report.fail(timing_case[0], f"the candidate raised {first_error}")
    else:
        for index, case in enumerate(cases):
            channel.progress("equivalence", 10 + 15 * index / len(cases))
            mine, theirs = fresh(case), fresh(case)
            try:
                expected = call(original, mine)
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - the original must run on its own inputs
                raise JobError(f"the original raised on {case[0]}:\n"
                               f"{traceback.format_exc(limit=-3)}") from None
            try:
                actual = call(candidate, theirs)
                sync(actual)
            except MemoryError:
                raise
            except Exception as error:  # noqa: BLE001
                report.fail(case[0], f"the candidate raised {short_error(error)}")
                continue
            jl_compare.compare(expected, actual, f"{case[0]}: return value", report)
            jl_compare.compare(list(mine[1]), list(theirs[1]), f"{case[0]}: arguments after the "
                               "call", report)
            jl_compare.compare(mine[2], theirs[2], f"{case[0]}: keyword arguments after the "
                               "call", report)
    equivalence.update(passed=not report.failures, max_abs_error=report.max_abs,
                       max_rel_error=report.max_rel, failures=report.failures[:20],
                       warnings=report.warnings[:20])
    result["equivalence"] = equivalence
    compile_info["graph_breaks"] = jl_frameworks.graph_breaks() - breaks_before
    if report.failures:
        result["warnings"].append("not timed: the candidate does not match the original")
        result["env"] = jl_probe.environment()
        return result

    # Timing: both sides calibrated, then interleaved rounds.
    rounds = max(3, min(int(job.get("rounds") or DEFAULT_ROUNDS), 500))
    min_sample_s = float(job.get("min_sample_s") or MIN_SAMPLE_S)
    if captured:
        # The real workload: every captured set in turn, so varying shapes and branch outcomes
        # show up as recompiles and in the speedup, as they do in the program.
        sides = {"original": cycling(original, cases), "candidate": cycling(candidate, cases)}
    else:
        _, args, kwargs = timing_case
        sides = {
            "original": lambda: original(*args, **kwargs),
            "candidate": lambda: candidate(*args, **kwargs),
        }
    channel.progress("calibrate", 27, force=True)
    loops = {side: jl_timing.calibrate(fn, sync, min_sample_s) for side, fn in sides.items()}
    compiles_before_timing = jl_frameworks.compile_count(framework, candidate)
    samples = {"original": [], "candidate": []}
    for round_index in range(rounds):
        channel.progress("timing", 30 + 60 * round_index / rounds)
        order = ("original", "candidate") if round_index % 2 == 0 else ("candidate", "original")
        for side in order:
            per_call, _ = jl_timing.one_sample(sides[side], loops[side], sync)
            samples[side].append(per_call)
    compiles_after = jl_frameworks.compile_count(framework, candidate)
    if compiles_after is not None and compiles_after_first is not None:
        compile_info["recompiles"] = max(0, compiles_after - compiles_after_first)
        if compiles_before_timing is not None and compiles_after > compiles_before_timing:
            result["warnings"].append(f"the candidate recompiled {compiles_after - compiles_before_timing} "
                                      "time(s) while being timed")
    compile_info["graph_breaks"] = jl_frameworks.graph_breaks() - breaks_before
    timings = {side: jl_timing.summary(samples[side], loops[side]) for side in samples}
    result["original"], result["candidate"] = timings["original"], timings["candidate"]
    for side in ("original", "candidate"):
        result["warnings"].extend(jl_timing.noise_warnings(side, timings[side]))
    channel.progress("statistics", 91, force=True)
    speedup = jl_timing.bootstrap_speedup(samples["original"], samples["candidate"])
    result["speedup"] = speedup
    result["verdict"] = jl_timing.verdict(speedup)
    result["break_even_calls"] = jl_timing.break_even(
        first_call_s, timings["candidate"]["median_s"], timings["original"]["median_s"])

    if framework:
        channel.progress("jit_off", 93, force=True)
        result["jit_off"] = run_jit_off(job_path)
    result["env"] = jl_probe.environment()
    return result


def run_profile(job, channel):
    """A line profile of the original with every JIT off (see jl_profile)."""
    import jl_frameworks

    # Before the user's module imports any framework: everything runs as plain Python.
    os.environ.update(jl_frameworks.JIT_OFF_ENV)
    import jl_inputs
    import jl_profile

    channel.progress("profile", 5, force=True)
    path = os.path.join(os.getcwd(), "jitlens_original.py")
    with open(path, "w", encoding="utf-8") as file:
        file.write(job["source"])
    try:
        return jl_profile.run(job, path)
    except (jl_profile.ProfileError, jl_inputs.InputError) as error:
        raise JobError(str(error)) from None


def run_jit_off(job_path):
    """The candidate once in a fresh process with every JIT switched off."""
    import jl_frameworks

    env = dict(os.environ, **jl_frameworks.JIT_OFF_ENV)
    try:
        completed = subprocess.run(
            [sys.executable, "-B", os.path.join(HERE, "jl_harness.py"), job_path, "--jit-off"],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
        )
    except OSError as error:
        return {"matched": False, "lines_run": 0, "lines_total": 0, "error": short_error(error)}
    for line in reversed(completed.stdout.splitlines()):
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("event") == "jit_off":
            return message["jit_off"]
    tail = completed.stderr[-1500:]
    return {"matched": False, "lines_run": 0, "lines_total": 0,
            "error": f"the JIT-off run exited with code {completed.returncode}: {tail}"}


def code_lines(code):
    """Every line of `code` and of the code objects nested in it."""
    import dis

    lines = {line for _, line in dis.findlinestarts(code) if line is not None}
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            lines |= code_lines(constant)
    lines.discard(code.co_firstlineno)
    return lines


def jit_off(job):
    """Runs the candidate (JIT off) on the first case, under a line tracer, against the
    original."""
    import jl_compare
    import jl_frameworks
    import jl_inputs

    if job.get("framework") == "tensorflow" or "tensorflow" in (job.get("candidate_source") or ""):
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
    original, candidate, framework = load_functions(job)
    if job.get("samples_file"):
        case = jl_inputs.captured(job["samples_file"])[0]
    else:
        case = jl_inputs.cases(job.get("setup"), original, job["function"], 1)[0]
    plain = jl_frameworks.unwrap(framework, candidate)
    wanted = code_lines(plain.__code__) if plain is not None else set()
    filename = plain.__code__.co_filename if plain is not None else None
    seen = set()

    def tracer(frame, event, _arg):
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            seen.add(frame.f_lineno)
        return tracer

    expected = call(original, fresh(case))
    sys.settrace(tracer)
    try:
        actual = call(candidate, fresh(case))
    finally:
        sys.settrace(None)
    report = jl_compare.Report()
    jl_compare.compare(expected, actual, "return value", report)
    out = {"matched": not report.failures, "lines_run": len(seen & wanted),
           "lines_total": len(wanted)}
    if report.failures:
        out["error"] = report.failures[0]
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        job = json.load(file)
    set_threads(job.get("threads"))
    sys.path.insert(0, HERE)
    if "--jit-off" in argv:
        try:
            message = {"event": "jit_off", "jit_off": jit_off(job)}
        except Exception as error:  # noqa: BLE001 - reported, not raised
            message = {"event": "jit_off", "jit_off": {
                "matched": False, "lines_run": 0, "lines_total": 0, "error": short_error(error)}}
        print(json.dumps(message), flush=True)
        return 0
    channel = Channel(watchdog="--watchdog" in argv)
    try:
        if job.get("kind") == "profile":
            result = run_profile(job, channel)
        else:
            result = run_job(job, os.path.abspath(argv[1]), channel)
    except JobError as error:
        result = {"status": "failed", "error": str(error)}
    except MemoryError:
        limit = job.get("memory_limit_mb")
        where = f" of {limit} MiB" if limit else ""
        result = {"status": "failed",
                  "error": f"MemoryError: the job ran out of memory (its limit{where}); "
                           f"{traceback.format_exc(limit=-2)}"}
    except Exception:  # noqa: BLE001 - whatever the user's code does, the runner gets a result
        result = {"status": "failed", "error": traceback.format_exc(limit=-4)}
    channel.progress("done", 100, force=True)
    channel.send({"event": "result", "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
