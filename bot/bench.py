"""`make bench`: the detectors' build time and per-message latency (bot/bench_detectors.py), turn
latency, throughput and memory on the REST channel, each channel's reply time
(bot/bench_channels.py), and training time.

Simulated people run both exercises end to end (about ten turns each) at 1, 20 and 50
concurrent conversations against real servers on the trained model. Figures are printed and
written to results/bench.json; nothing here is asserted, so a slow machine never fails a build.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import aiohttp

from bot.bench_channels import measure, print_table, slack_stand_in, start_servers
from bot.bench_detectors import measure_detectors, print_detectors
from bot.settings import ROOT

BREAK_SCRIPT = [
    "I'm such an idiot, I always ruin everything",
    "Self-compassion break",
    "7",
    "ashamed and tired",
    "other people feel this way too",
    "I'm doing my best",
    "an early night",
    "4",
    "thanks",
]
FRIEND_SCRIPT = [
    "nothing I do is ever good enough",
    "What would I say to a friend?",
    "6",
    "I'd tell them they're doing so much already",
    "I'm doing so much already",
    "it felt softer",
    "3",
    "bye",
]


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """Samples a process's resident memory in the background and keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def _conversation(
    session: aiohttp.ClientSession, url: str, script: list[str], latencies: list[float]
) -> None:
    sender = f"bench-{uuid.uuid4()}"
    for text in script:
        started = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            response.raise_for_status()
            await response.json()
        latencies.append(time.perf_counter() - started)


async def _level(url: str, concurrency: int, conversations: int) -> dict[str, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for i in range(conversations):
        queue.put_nowait(BREAK_SCRIPT if i % 2 == 0 else FRIEND_SCRIPT)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            await _conversation(session, url, queue.get_nowait(), latencies)

    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "turns": len(latencies),
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
    }


def training_seconds() -> float:
    """Wall time of a forced full training run into a throwaway folder.

    A failed run raises RuntimeError with the end of Rasa's own output, which says why.
    """
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "--force", "--out", out],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-8:])
            raise RuntimeError(f"rasa train exited with {done.returncode}:\n{tail}")
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kindly.tar.gz")
    parser.add_argument("--levels", default="1,20,50", help="concurrent conversations")
    parser.add_argument("--conversations", type=int, default=4, help="per concurrent slot")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument(
        "--detectors-only", action="store_true", help="time the detectors, start no server"
    )
    args = parser.parse_args(argv)

    detectors = measure_detectors()
    print_detectors(detectors)
    results: dict[str, object] = {"detectors": detectors}
    if args.detectors_only:
        return 0
    stand_in = slack_stand_in()
    with tempfile.TemporaryDirectory() as work:
        servers = start_servers(Path(work), args.model, stand_in)
        try:
            servers.wait_ready()
            rasa_pid = servers.procs["rasa"].pid
            results["rasa_rss_idle_mib"] = rss_mib(rasa_pid)
            url = f"{servers.url}/webhooks/rest/webhook"
            asyncio.run(_level(url, 2, 2))  # warm-up: first turns load lazily
            levels = []
            with PeakMemory(rasa_pid) as peak:
                for level in (int(x) for x in args.levels.split(",")):
                    levels.append(
                        asyncio.run(_level(url, level, max(level * args.conversations, 4)))
                    )
            results["levels"] = levels
            results["rasa_rss_peak_mib"] = peak.peak
            results["action_server_rss_mib"] = rss_mib(servers.procs["actions"].pid)
            results["channels"] = measure(servers, stand_in)
        finally:
            servers.stop_all()
    print_results(results)
    training_failed = None
    if not args.skip_training:
        try:
            results["training_s"] = training_seconds()
            print(f"Training (forced, full): {results['training_s']:.0f} s")
        except RuntimeError as error:  # what was measured above is still written
            training_failed = str(error)
            results["training_error"] = training_failed
            print(f"Training could not be measured: {training_failed}", file=sys.stderr)
    out = ROOT / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"Written to {out.relative_to(ROOT)}")
    return 1 if training_failed else 0


def print_results(results: dict[str, object]) -> None:
    """The serving measurements as a table."""
    print(f"{'concurrent':>10}{'turns':>8}{'turns/s':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for row in results["levels"]:  # type: ignore[attr-defined]
        print(
            f"{row['concurrency']:>10}{row['turns']:>8}{row['turns_per_s']:>10.1f}"
            f"{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}"
        )
    print(
        f"Rasa server RSS: {results['rasa_rss_idle_mib']:.0f} MiB idle, "
        f"{results['rasa_rss_peak_mib']:.0f} MiB peak; "
        f"action server {results['action_server_rss_mib']:.0f} MiB"
    )
    if "channels" in results:
        print_table(results["channels"])  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
