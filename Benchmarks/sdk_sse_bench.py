#!/usr/bin/env python3
"""The official Python SDK's SSE decoding on the same recorded stream as the Swift benchmark.

Runs anthropic._streaming.SSEDecoder + json.loads (what the SDK does per event) over
data/stream-10mb.sse, fed in 16 KiB chunks, and prints the median MB/s of several runs.
Creates a virtual environment in .venv and installs the `anthropic` package there.
Usage: python3 Benchmarks/sdk_sse_bench.py   (run the Swift benchmark once first: it writes the file)
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
DATA = os.path.join(HERE, "data", "stream-10mb.sse")


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    if subprocess.call([python, "-c", "import anthropic"], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", "anthropic"])
    return python


def bench():
    import json
    import anthropic
    from anthropic._streaming import SSEDecoder

    with open(DATA, "rb") as f:
        data = f.read()
    chunks = [data[i:i + 16384] for i in range(0, len(data), 16384)]
    rates = []
    for _ in range(7):
        start = time.perf_counter()
        decoder = SSEDecoder()
        text = []
        for sse in decoder.iter_bytes(iter(chunks)):
            event = json.loads(sse.data)
            if event.get("type") == "content_block_delta":
                text.append(event["delta"].get("text", ""))
        "".join(text)
        rates.append(len(data) / 1e6 / (time.perf_counter() - start))
    print(f"anthropic {anthropic.__version__}: SSEDecoder + json.loads over {len(data)} bytes: "
          f"median {statistics.median(rates):.1f} MB/s (runs: {', '.join(f'{r:.1f}' for r in rates)})")


if __name__ == "__main__":
    if not os.path.exists(DATA):
        sys.exit(f"{DATA} is missing: run `swift package --disable-sandbox benchmark` in Benchmarks/ first")
    if os.environ.get("PALAVER_BENCH_INNER") == "1":
        bench()
    else:
        python = ensure_venv()
        env = dict(os.environ, PALAVER_BENCH_INNER="1")
        sys.exit(subprocess.call([python, os.path.abspath(__file__)], env=env))
