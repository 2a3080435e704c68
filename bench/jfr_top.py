#!/usr/bin/env python3
"""Where the time goes in a JFR recording: jdk.ExecutionSample events aggregated by top frame
(the method running when sampled, inlined frames counted as themselves) and by owner (the first
dev.whittle frame from the top, so JDK and Vector API helpers are charged to their caller).

Usage: jfr print --json --events jdk.ExecutionSample REC.jfr | bench/jfr_top.py [--top 15] [--lines]
   or: bench/jfr_top.py REC.jfr   (runs `jfr` from $JAVA_HOME/bin or PATH)
"""
import argparse, collections, json, os, shutil, subprocess, sys


def frame_name(f, line=False):
    m = f["method"]
    cls = m["type"]["name"].replace("/", ".")
    return f"{cls}.{m['name']}" + (f":{f.get('lineNumber')}" if line else "")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("recording", nargs="?")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--owner-prefix", default="dev.whittle.")
    p.add_argument("--lines", action="store_true", help="also the top frames by source line")
    a = p.parse_args()
    if a.recording:
        jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr")
        if not os.access(jfr, os.X_OK):
            jfr = shutil.which("jfr") or sys.exit("jfr not found: set JAVA_HOME to a JDK")
        text = subprocess.run([jfr, "print", "--json", "--events", "jdk.ExecutionSample",
                               a.recording], check=True, stdout=subprocess.PIPE, text=True).stdout
    else:
        text = sys.stdin.read()
    events = json.loads(text)["recording"]["events"]
    top = collections.Counter()
    lines = collections.Counter()
    owner = collections.Counter()
    threads = collections.Counter()
    for e in events:
        v = e["values"]
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        threads[(v.get("sampledThread") or {}).get("javaName")] += 1
        top[frame_name(frames[0])] += 1
        lines[frame_name(frames[0], True)] += 1
        o = next((frame_name(f) for f in frames if frame_name(f).startswith(a.owner_prefix)),
                 "(outside " + a.owner_prefix.rstrip(".") + ")")
        owner[o] += 1
    n = sum(top.values())
    print(f"{n} execution samples; threads: " +
          ", ".join(f"{t} {c}" for t, c in threads.most_common(6)))
    tables = [("by top frame", top), ("by first " + a.owner_prefix + "* frame", owner)]
    if a.lines:
        tables.append(("by top frame and line", lines))
    for title, counter in tables:
        print(f"\n| {title} | samples | share |\n|---|---:|---:|")
        for name, c in counter.most_common(a.top):
            print(f"| `{name}` | {c} | {100.0 * c / n:.1f}% |")


if __name__ == "__main__":
    main()
