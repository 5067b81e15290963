"""How often jitlens is right on real code: `cargo xtask judge` runs this.

The corpus is `projects.txt`: real projects from PyPI at pinned versions, fetched as wheels into
`target/real-corpus/` (not committed; fetched once). `jitlens check --output-format json
--all-verdicts` runs over each, as a user would run it on their own project, with the project's tests
excluded.

The labels are hand-made and committed: `labels/findings.jsonl` (one diagnostic each: right,
wrong or debatable, with the reason) and `labels/verdicts.jsonl` (one "high"/"medium" verdict
each: plausible, wrong or debatable). Each label names the sample it was drawn in: `tuning`
(drawn before the analyzer was changed, and the changes were made looking at it) or `fresh` (drawn
after, from findings no one had labelled: the honest figure).

    python3 tests/real/judge.py [--jitlens BIN] report
        Precision per sample, severity and project, over the labelled items jitlens still
        reports. Exits 1 when a finding labelled wrong comes back or one labelled right
        disappears (a verdict labelled right falling to low/none/harmful counts as gone),
        measured against `labels/accepted.json`: which labelled items the accepted version of
        jitlens reports. Labelled-wrong items that it still reports are listed, not failed.
    python3 tests/real/judge.py accept
        Records which labelled items jitlens reports now as the accepted state (after a change
        whose every difference in the report was read and found right).
    python3 tests/real/judge.py sample --name NAME --findings N --verdicts N --seed S
        Draws a seeded sample of items no label covers, stratified by project and severity, and
        writes `target/real-corpus/sample-NAME.md` (each item with its source) and a
        `labels/NAME-unlabelled.jsonl` to fill in.

Precision counts a debatable label as not right: right / (right + wrong + debatable).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = ROOT / "target" / "real-corpus"
LABELS = HERE / "labels"

EXCLUDE = ["tests", "test", "testing", "test_*.py", "*_test.py", "conftest.py"]
BENEFITS_THAT_ADVISE = ("high", "medium")


def projects() -> list[tuple[str, str, str]]:
    """(leans-on, name, version) of every project of the corpus."""
    rows = []
    for line in (HERE / "projects.txt").read_text().splitlines():
        line = line.split("#", 1)[0].split()
        if line:
            leans, name, version = line
            rows.append((leans, name, version))
    return rows


def fetch(name: str, version: str) -> Path:
    """The project's unpacked wheel, fetched from PyPI when it is not here yet."""
    folder = CORPUS / f"{name}-{version}"
    if (folder / "pyproject.toml").is_file():
        _write_config(folder)
        return folder
    wheels = CORPUS / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    found = [w for w in wheels.glob("*.whl") if _wheel_matches(w.name, name, version)]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--disable-pip-version-check", "--only-binary", ":all:", "--python-version", "3.12",
             "--dest", str(wheels), f"{name}=={version}"],
            check=True,
        )
        found = [w for w in wheels.glob("*.whl") if _wheel_matches(w.name, name, version)]
    if not found:
        raise SystemExit(f"judge: no wheel of {name}=={version} was fetched")
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(found[0]) as wheel:
        members = [m for m in wheel.namelist() if ".dist-info/" not in m and ".data/" not in m]
        wheel.extractall(folder, members)
    _write_config(folder)
    return folder


def _write_config(folder: Path) -> None:
    """The project's `[tool.jitlens]`: its tests (EXCLUDE) are not checked."""
    patterns = ", ".join(json.dumps(p) for p in EXCLUDE)
    config = f"[tool.jitlens]\nexclude = [{patterns}]\n"
    path = folder / "pyproject.toml"
    if not path.is_file() or path.read_text() != config:
        path.write_text(config)


def _wheel_matches(filename: str, name: str, version: str) -> bool:
    normalized = name.replace("-", "_").lower()
    return filename.lower().startswith(f"{normalized}-{version}-")


def check(jitlens: str, folder: Path) -> list[dict]:
    """jitlens' JSON reports of every file of the project (paths relative to it)."""
    command = [jitlens, "check", "--output-format", "json", "."]
    if "--all-verdicts" in subprocess.run([jitlens, "check", "--help"], capture_output=True,
                                          text=True).stdout:
        command.insert(-1, "--all-verdicts")
    done = subprocess.run(
        command,
        cwd=folder, capture_output=True, text=True,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"judge: jitlens check failed in {folder}:\n{done.stderr}")
    return json.loads(done.stdout)


def items(jitlens: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """Every finding and every verdict of the corpus, by key."""
    findings: dict[str, dict] = {}
    verdicts: dict[str, dict] = {}
    for leans, name, version in projects():
        folder = fetch(name, version)
        for report in check(jitlens, folder):
            path = os.path.normpath(report["path"])
            for d in report["diagnostics"]:
                start = d["range"]["start"]
                key = f"{name}/{path}:{start['line']}:{start['column']}:{d['code']}"
                findings[key] = {
                    "key": key, "project": name, "leans": leans, "path": path,
                    "line": start["line"], "code": d["code"], "severity": d["severity"],
                    "function": d.get("function"), "message": d["message"], "folder": folder,
                }
            for function in report["functions"]:
                for v in function["verdicts"]:
                    key = f"{name}/{path}::{function['name']}:{v['framework']}"
                    verdicts[key] = {
                        "key": key, "project": name, "leans": leans, "path": path,
                        "line": function["range"]["start"]["line"],
                        "end_line": function["range"]["end"]["line"],
                        "function": function["name"], "framework": v["framework"],
                        "benefit": v["benefit"], "summary": v.get("summary", ""),
                        "reasons": v.get("reasons", []), "blockers": v.get("blockers", []),
                        "folder": folder,
                    }
    return findings, verdicts


def load_labels(kind: str) -> list[dict]:
    """Every committed label of `kind` (findings or verdicts), from every file of that kind."""
    labels = []
    for path in sorted(LABELS.glob(f"*{kind}.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                label = json.loads(line)
                if label.get("label") in ("right", "wrong", "debatable"):
                    labels.append(label)
    return labels


def precision(rows: list[dict]) -> str:
    right = sum(1 for r in rows if r["label"] == "right")
    wrong = sum(1 for r in rows if r["label"] == "wrong")
    debatable = sum(1 for r in rows if r["label"] == "debatable")
    total = right + wrong + debatable
    if not total:
        return "    -  (0 labelled)"
    return f"{100 * right / total:5.1f}%  ({right} right, {wrong} wrong, {debatable} debatable)"


ACCEPTED = LABELS / "accepted.json"


def reported_now(findings: dict, verdicts: dict) -> dict[str, bool]:
    """For every labelled item: whether jitlens reports it now."""
    now = {}
    for label in load_labels("findings"):
        now[label["key"]] = label["key"] in findings
    for label in load_labels("verdicts"):
        verdict = verdicts.get(label["key"])
        now[label["key"]] = verdict is not None and verdict["benefit"] in BENEFITS_THAT_ADVISE
    return now


def accept(jitlens: str) -> None:
    findings, verdicts = items(jitlens)
    now = reported_now(findings, verdicts)
    ACCEPTED.write_text(json.dumps(dict(sorted(now.items())), indent=0) + "\n")
    print(f"accepted: {sum(now.values())} of {len(now)} labelled items reported")


def report(jitlens: str) -> int:
    findings, verdicts = items(jitlens)
    accepted = json.loads(ACCEPTED.read_text()) if ACCEPTED.is_file() else {}
    still_wrong = []
    failures = []
    print(f"corpus: {len(projects())} projects, {len(findings)} findings, "
          f"{sum(1 for v in verdicts.values() if v['benefit'] in BENEFITS_THAT_ADVISE)} "
          f"high/medium verdicts")
    by_severity = defaultdict(lambda: defaultdict(int))
    for f in findings.values():
        by_severity[f["project"]][f["severity"]] += 1
    for name, counts in sorted(by_severity.items()):
        print(f"  {name:12} " + ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info")))

    finding_labels = load_labels("findings")
    verdict_labels = load_labels("verdicts")
    for sample in sorted({label["sample"] for label in finding_labels + verdict_labels}):
        present = []
        gone = []
        for label in (l for l in finding_labels if l["sample"] == sample):
            now = findings.get(label["key"])
            was = accepted.get(label["key"], True)
            if now is None:
                gone.append(label)
                if label["label"] == "right" and was:
                    failures.append(f"right finding disappeared: {label['key']}")
            else:
                present.append({**label, "severity": now["severity"], "project": now["project"]})
                if label["label"] == "wrong":
                    if was:
                        still_wrong.append(f"{label['key']} ({label['reason']})")
                    else:
                        failures.append(
                            f"wrong finding came back: {label['key']} ({label['reason']})")
        gone_by = defaultdict(int)
        for label in gone:
            gone_by[label["label"]] += 1
        print(f"\nsample {sample!r}: findings still reported ({len(present)} of "
              f"{len(present) + len(gone)} labelled; {len(gone)} no longer reported: "
              f"{gone_by['wrong']} wrong, {gone_by['right']} right, "
              f"{gone_by['debatable']} debatable)")
        for group, severities in (("errors+warnings", ("error", "warning")), ("info", ("info",))):
            rows = [r for r in present if r["severity"] in severities]
            print(f"  {group:16} {precision(rows)}")
        for name in sorted({r["project"] for r in present}):
            rows = [r for r in present if r["project"] == name]
            print(f"    {name:14} {precision(rows)}")
        present_v = []
        for label in (l for l in verdict_labels if l["sample"] == sample):
            now = verdicts.get(label["key"])
            advising = now is not None and now["benefit"] in BENEFITS_THAT_ADVISE
            was = accepted.get(label["key"], True)
            if advising:
                present_v.append(label)
                if label["label"] == "wrong":
                    if was:
                        still_wrong.append(f"{label['key']} ({label['reason']})")
                    else:
                        failures.append(
                            f"wrong verdict came back: {label['key']} ({label['reason']})")
            elif label["label"] == "right" and was:
                failures.append(f"right verdict disappeared: {label['key']}")
        labelled_v = sum(1 for l in verdict_labels if l["sample"] == sample)
        print(f"  high/medium verdicts ({len(present_v)} of {labelled_v} labelled still given): "
              f"{precision(present_v)}")
    if still_wrong:
        print(f"\n{len(still_wrong)} item(s) labelled wrong are still reported (known, not failed):")
        for item in still_wrong:
            print(f"  {item}")
    if failures:
        print(f"\n{len(failures)} regression(s) against labels/accepted.json:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("\nno regressions against the labels")
    return 0


def sample(jitlens: str, name: str, n_findings: int, n_verdicts: int, seed: int) -> None:
    findings, verdicts = items(jitlens)
    labelled = {l["key"] for l in load_labels("findings")} | {
        l["key"] for l in load_labels("verdicts")}
    rng = random.Random(seed)
    drawn_f = _stratified(
        [f for f in findings.values() if f["key"] not in labelled],
        lambda f: (f["project"], f["severity"] == "info"), n_findings, rng)
    drawn_v = _stratified(
        [v for v in verdicts.values()
         if v["key"] not in labelled and v["benefit"] in BENEFITS_THAT_ADVISE],
        lambda v: v["project"], n_verdicts, rng)
    LABELS.mkdir(exist_ok=True)
    with open(LABELS / f"{name}-unlabelled.jsonl", "w") as out:
        for item in drawn_f:
            out.write(json.dumps({"key": item["key"], "sample": name, "kind": "finding",
                                  "code": item["code"], "severity": item["severity"],
                                  "label": "", "reason": ""}) + "\n")
        for item in drawn_v:
            out.write(json.dumps({"key": item["key"], "sample": name, "kind": "verdict",
                                  "benefit": item["benefit"], "label": "", "reason": ""}) + "\n")
    lines = [f"# Sample {name!r} (seed {seed}): {len(drawn_f)} findings, {len(drawn_v)} verdicts\n"]
    for item in drawn_f:
        lines.append(f"## finding {item['key']}\n\n{item['severity']} {item['code']} in "
                     f"`{item['function']}`: {item['message']}\n")
        lines.append(_source(item["folder"], item["path"], item["line"] - 12, item["line"] + 8,
                             mark=item["line"]))
    for item in drawn_v:
        lines.append(f"## verdict {item['key']}\n\n{item['framework']} {item['benefit']}: "
                     f"{item['summary']} reasons={item['reasons']} blockers={item['blockers']}\n")
        lines.append(_source(item["folder"], item["path"], item["line"] - 2,
                             min(item["end_line"], item["line"] + 70)))
    out_path = CORPUS / f"sample-{name}.md"
    out_path.write_text("\n".join(lines))
    print(f"wrote {out_path} and {LABELS / f'{name}-unlabelled.jsonl'}")


def _stratified(pool: list[dict], stratum, n: int, rng: random.Random) -> list[dict]:
    """About n items, spread evenly over the strata (a small stratum gives all it has)."""
    groups: dict = defaultdict(list)
    for item in sorted(pool, key=lambda i: i["key"]):
        groups[stratum(item)].append(item)
    for group in groups.values():
        rng.shuffle(group)
    drawn: list[dict] = []
    while len(drawn) < n and any(groups.values()):
        for key in sorted(groups, key=str):
            if groups[key] and len(drawn) < n:
                drawn.append(groups[key].pop())
    return drawn


def _source(folder: Path, path: str, first: int, last: int, mark: int | None = None) -> str:
    lines = (folder / path).read_text(errors="replace").splitlines()
    first = max(first, 1)
    shown = []
    for number in range(first, min(last, len(lines)) + 1):
        pointer = ">>" if number == mark else "  "
        shown.append(f"{pointer}{number:5} {lines[number - 1]}")
    return "```python\n" + "\n".join(shown) + "\n```\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jitlens", default=str(ROOT / "target" / "debug" / "jitlens"))
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("report")
    commands.add_parser("accept")
    draw = commands.add_parser("sample")
    draw.add_argument("--name", required=True)
    draw.add_argument("--findings", type=int, default=160)
    draw.add_argument("--verdicts", type=int, default=60)
    draw.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.command == "accept":
        accept(args.jitlens)
        return 0
    if args.command == "sample":
        sample(args.jitlens, args.name, args.findings, args.verdicts, args.seed)
        return 0
    return report(args.jitlens)


if __name__ == "__main__":
    sys.exit(main())
