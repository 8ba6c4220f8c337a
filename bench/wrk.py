"""wrk: running it and reading what it prints (`wrk --latency`)."""

import re
import subprocess

from bench.common import PROXY_HEADERS

DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text):
    """wrk's duration ("812.00us", "4.51ms", "1.02s", "1.50m") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * DURATION_UNITS_MS[match[2]]


def parse_wrk(output):
    """The figures of one `wrk --latency` run: req/s, latency (ms), errors."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output, re.M)
    if not rate or not total:
        raise ValueError("wrk printed no result:\n" + output)
    result = {
        "requests": int(total[1]),
        "seconds": duration_ms(total[2]) / 1000,
        "rps": float(rate[1]),
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
    }
    latency = re.search(r"^\s*Latency\s+(\S+)\s+\S+\s+(\S+)", output, re.M)
    if latency:
        result["latency_avg_ms"] = duration_ms(latency[1])
        result["latency_max_ms"] = duration_ms(latency[2])
    for percent, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)", output, re.M):
        result[f"latency_p{percent}_ms"] = duration_ms(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        result["non_2xx_3xx"] = int(non_2xx[1])
    errors = re.search(
        r"Socket errors: connect (?P<connect>\d+), read (?P<read>\d+), "
        r"write (?P<write>\d+), timeout (?P<timeout>\d+)",
        output,
    )
    if errors:
        result["socket_errors"] = {name: int(count) for name, count in errors.groupdict().items()}
    return result


def run_wrk(url, config, duration, connections=None, threads=None, timeout=30, script=None):
    """Drive `url` for `duration` seconds; `script` (a Lua file) may choose each request's path."""
    command = [
        "wrk",
        "--latency",
        f"--threads={threads or config.threads}",
        f"--connections={connections or config.connections}",
        f"--duration={duration}s",
        # With 30 s a slow response counts in the latency rather than vanishing as a timeout.
        f"--timeout={timeout}s",
        *[argument for name, value in PROXY_HEADERS.items() for argument in ("-H", f"{name}: {value}")],
        *(["--script", str(script)] if script else []),
        url,
    ]
    result = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        command, capture_output=True, text=True, check=True, timeout=duration + 90
    )
    return parse_wrk(result.stdout)


def lua_string(text):
    """A Lua string literal of `text` (a URL path: printable ASCII once percent-encoded)."""
    if not text.isascii() or not text.isprintable():
        raise ValueError(f"not a percent-encoded path: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rotation_script(paths):
    """A wrk Lua script that requests `paths` in turn, each thread starting at its own place."""
    if not paths:
        raise ValueError("no paths to rotate over")
    listed = ",\n".join(f"  {lua_string(path)}" for path in paths)
    return f"""-- Written by bench/wrk.py: wrk requests these paths in turn.
local paths = {{
{listed}
}}
local index = 0

function setup(thread)
  index = index + 7
  thread:set("start", index)
end

function init(args)
  index = start or 0 -- the global setup() gave this thread
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
"""
