"""The wheel of `pip install jitlens`, installed as a user would: a step of `cargo xtask test`.

    python tests/wheel/check_wheel.py target/wheels/jitlens-*.whl

Makes a fresh virtual environment with this interpreter, installs the wheel with no Rust
toolchain on PATH, and checks: `jitlens --version`; `jitlens check` on a loop finds NB401;
`jitlens serve` answers the page and its wasm (application/wasm) from the copy built into the
binary, and `/api/health` with the printed token only; the `jitlens` Python package (the IPython
extension) is installed; a Numba bench, with numpy and numba installed into that environment, runs in
that environment's interpreter, found as the one jitlens is installed in. Prints the wheel's
size and `jitlens serve`'s start time (launch until `/api/health` answers, best of 3).

Exit code 0 when every check passed; the first failure stops it with what was wrong.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOOP = ROOT / "tests/fixtures/bench/pairwise.py"
INSTALLED_ENV = "the environment jitlens is installed in"
# What the environment must not lend the installed jitlens: it has to find everything itself.
CLEARED = ("JITLENS_PYTHON", "JITLENS_WEB_DIR", "JITLENS_DATA_DIR", "VIRTUAL_ENV", "CONDA_PREFIX",
           "PYTHONPATH", "PYTHONHOME")


class CheckFailed(Exception):
    """One check did not hold."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def without_rust(path):
    """PATH without the folders that hold cargo or rustc."""
    kept = [folder for folder in path.split(os.pathsep)
            if folder and not any(Path(folder, tool).exists() for tool in ("cargo", "rustc"))]
    return os.pathsep.join(kept)


def run(command, env, cwd, timeout=600):
    """Runs `command`; its output, failing with it when the exit code is not 0."""
    done = subprocess.run([str(part) for part in command], env=env, cwd=cwd, timeout=timeout,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckFailed(f"{' '.join(map(str, command))} exited with {done.returncode}:\n"
                          f"{done.stdout}\n{done.stderr}")
    return done


def get(port, path, token=None):
    """Status, headers and body of `GET path` on the server; HTTP errors are answers too."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Serve:
    """`jitlens serve --port 0 --no-open` of the environment, stopped on exit."""

    def __init__(self, jitlens, env, cwd, data_dir):
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(jitlens), "serve", "--port", "0", "--no-open", "--data-dir", str(data_dir)],
            env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines = []
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            match = re.match(r"\s*http://127\.0\.0\.1:(\d+)/#token=(\S+)", line)
            if match:
                self.port, self.token = int(match[1]), match[2]
                break
        else:
            raise CheckFailed("jitlens serve printed no URL:\n" + "\n".join(self.lines))
        # The lines after the URL (data, playground, python) come at once.
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("python:"):
                break

    def wait_healthy(self):
        """Seconds from launch until `/api/health` answers 200."""
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            try:
                if get(self.port, "/api/health", self.token)[0] == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.005)
        raise CheckFailed("/api/health did not answer within 30 s")

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def check_serve(jitlens, python, env, work):
    with Serve(jitlens, env, work, work / "data") as serve:
        printed = "\n".join(serve.lines)
        check("playground: built in" in printed,
              f"serve does not say it serves its built-in playground:\n{printed}")
        check(f"python: {python} (found by {INSTALLED_ENV})" in printed,
              f"serve does not run jobs in {python}, found as the installed environment's:\n"
              f"{printed}")
        first = serve.wait_healthy()
        status, headers, page = get(serve.port, "/")
        check(status == 200 and b"<title>jitlens playground</title>" in page,
              f"/ answered {status} without the playground's page: {page[:300]!r}")
        wasm_name = re.search(rb'[\w./-]*_bg\.wasm', page)
        check(wasm_name, f"the page names no wasm: {page!r}")
        wasm_path = "/" + wasm_name[0].decode().removeprefix("./").lstrip("/")
        status, headers, wasm = get(serve.port, wasm_path)
        check(status == 200 and wasm.startswith(b"\0asm"),
              f"{wasm_path} answered {status}, {len(wasm)} bytes starting {wasm[:8]!r}")
        check(headers.get("Content-Type") == "application/wasm",
              f"{wasm_path} has Content-Type {headers.get('Content-Type')}")
        check(get(serve.port, "/api/health")[0] == 401, "/api/health answers without the token")
        status, _, body = get(serve.port, "/api/health", serve.token)
        check(status == 200 and json.loads(body)["status"] == "ok",
              f"/api/health answered {status}: {body!r}")
        print(f"serve: page, {wasm_path} ({len(wasm)} bytes, application/wasm), /api/health ok")
    starts = []
    for _ in range(3):
        with Serve(jitlens, env, work, work / "data") as serve:
            starts.append(serve.wait_healthy())
    print("serve start until /api/health answers: best {:.0f} ms (of {}; {:.0f} ms on a fresh "
          "data folder)".format(min(starts) * 1000,
                                ", ".join(f"{start * 1000:.0f}" for start in starts),
                                first * 1000))


def check_bench(jitlens, python, env, work):
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run(pip + ["numpy", "numba"], env, work, timeout=900)
    shutil.copy(LOOP, work / "pairwise.py")
    done = run([jitlens, "bench", "pairwise.py::pairwise_distance", "--framework", "numba",
                "--setup", "import numpy as np; points = np.random.rand(80, 3)",
                "--data-dir", work / "data", "--json"], env, work, timeout=600)
    check(f"python: {python} (found by {INSTALLED_ENV})" in done.stderr,
          f"the bench did not say it runs in {python}:\n{done.stderr}")
    result = json.loads(done.stdout)
    version = run([python, "-c", "import platform; print(platform.python_version())"],
                  env, work).stdout.strip()
    check(result["status"] == "done" and result["equivalence"]["passed"],
          f"the Numba bench did not pass: {done.stdout}")
    ran_in = result["env"]["python"]
    check(ran_in == f"{version} ({python})", f"the bench ran in {ran_in}, not in {python}")
    check("numba" in result["env"]["versions"], f"no numba where the bench ran: {result['env']}")
    print(f"bench: numba {result['env']['versions']['numba']} in {ran_in}: "
          f"{result['speedup']['median']:.1f}x")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    wheel = Path(sys.argv[1]).resolve()
    if not wheel.is_file():
        sys.exit(f"no wheel at {wheel}: build it with `cargo xtask wheel`")
    names = zipfile.ZipFile(wheel).namelist()
    version = wheel.name.split("-")[1]
    for member in (f"jitlens-{version}.data/scripts/jitlens", "jitlens/__init__.py"):
        if member not in names:
            sys.exit(f"{wheel.name} lacks {member}: it holds {names}")
    print(f"wheel: {wheel.name}, {wheel.stat().st_size / 1e6:.2f} MB")

    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env["PATH"] = without_rust(os.environ.get("PATH", ""))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if shutil.which("cargo", path=env["PATH"]) or shutil.which("rustc", path=env["PATH"]):
        sys.exit("cargo or rustc is still on PATH")
    # Resolved: jitlens names its environment by its own resolved path.
    work = Path(tempfile.mkdtemp(prefix="jitlens-wheel-")).resolve()
    try:
        venv = work / "venv"
        run([sys.executable, "-m", "venv", venv], env, work)
        python = venv / "bin/python"
        jitlens = venv / "bin/jitlens"
        run([python, "-m", "pip", "install", "-q", wheel], env, work)
        check(jitlens.is_file(), f"pip installed no {jitlens}")
        shown = run([jitlens, "--version"], env, work).stdout.strip()
        check(shown == f"jitlens {version}", f"`jitlens --version` says {shown!r}")
        shutil.copy(LOOP, work / "loop.py")
        checked = subprocess.run([jitlens, "check", "loop.py"], env=env, cwd=work,
                                 capture_output=True, text=True, timeout=60)
        check(checked.returncode == 0 and "NB401" in checked.stdout,
              f"`jitlens check loop.py` exited {checked.returncode} without NB401:\n"
              f"{checked.stdout}{checked.stderr}")
        # Imported in an environment without IPython: the extension imports it only when loaded.
        spec = run([python, "-c", "import jitlens; print(jitlens.__file__)"], env, work).stdout.strip()
        check(Path(spec).is_relative_to(venv) and spec.endswith("jitlens/__init__.py"),
              f"the environment's jitlens package is {spec}")
        magics = subprocess.run([python, "-c", "import jitlens.magics"], env=env, cwd=work,
                                capture_output=True, text=True, timeout=60)
        check(magics.returncode != 0 and "IPython" in magics.stderr,
              "jitlens.magics imported without IPython installed: the test environment is not fresh")
        print(f"installed: {shown}; check finds NB401; the jitlens package is {spec}")
        check_serve(jitlens, python, env, work)
        check_bench(jitlens, python, env, work)
    except (CheckFailed, subprocess.TimeoutExpired) as error:
        sys.exit(f"wheel check failed: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("wheel check passed")


if __name__ == "__main__":
    main()
