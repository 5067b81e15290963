"""What this machine and interpreter offer: versions, CPU, GPUs, and which JITs can run.

Run as a script it prints one JSON object (the runner's `GET /api/env`); the harness imports
`environment()` for the `env` of each result. Versions come from package metadata, so nothing
heavy is imported unless `usable=True` is asked for.
"""

import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys

# Distribution names per framework: the first one installed wins.
DISTRIBUTIONS = {
    "numpy": ("numpy",),
    "numba": ("numba",),
    "torch": ("torch",),
    "jax": ("jax",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
}


def versions():
    found = {}
    for name, distributions in DISTRIBUTIONS.items():
        for distribution in distributions:
            try:
                found[name] = importlib.metadata.version(distribution)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
    return found


def cpu():
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if not model and sys.platform == "darwin":
        try:
            model = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True, text=True, timeout=5, check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    model = model or platform.processor() or platform.machine()
    return f"{model} ({os.cpu_count()} cores)"


def gpus():
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_available():
                return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        except Exception:  # noqa: BLE001 - a broken CUDA install means no GPU for us
            return []
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def environment():
    python = f"{platform.python_version()} ({sys.executable})"
    return {"python": python, "versions": versions(), "cpu": cpu(), "gpus": gpus()}


def _usable(framework):
    """(usable, reason): the framework imports, and its JIT has what it needs."""
    module = {"tensorflow": "tensorflow"}.get(framework, framework)
    try:
        imported = __import__(module)
    except Exception as error:  # noqa: BLE001 - any import failure makes it unusable
        return False, f"import {module} failed: {type(error).__name__}: {error}"
    if framework == "torch":
        has_cuda = imported.cuda.is_available()
        if not has_cuda and shutil.which("g++") is None and shutil.which("c++") is None:
            return False, "torch.compile on CPU needs a C++ compiler (g++ or c++) on PATH"
    return True, None


def jits():
    installed = versions()
    out = []
    for framework in ("numba", "torch", "jax", "tensorflow"):
        if framework not in installed:
            out.append({"framework": framework, "usable": False, "reason": "not installed"})
            continue
        usable, reason = _usable(framework)
        entry = {"framework": framework, "usable": usable}
        if reason:
            entry["reason"] = reason
        out.append(entry)
    return out


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    report_jits = jits()
    print(json.dumps({"environment": environment(), "jits": report_jits}))
