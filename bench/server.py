"""The reference server under a sync client's load: single reads and writes, batches of
50 and 500 notes, a history pull, and how long the event loop stalls while a 500-entry
batch is being written (`GET /fhir/metadata`, which touches no database, in parallel).

Starts a real `outpost server` (demo seed) in a temporary folder. Usage:

    .venv/bin/python bench/server.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from tests.server_process import FhirClient

ROOT = Path(__file__).resolve().parents[1]

NOTE_TEXT = "Subjective: feels better. Objective: afebrile, chest clear. " * 30  # ~1.8 kB


def note() -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": str(uuid.uuid4()),
        "meta": {"tag": [{"system": "urn:outpost:mutation-id", "code": str(uuid.uuid4())}]},
        "status": "current",
        "docStatus": "preliminary",
        "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3"}]},
        "subject": {"reference": "Patient/bench"},
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(NOTE_TEXT.encode()).decode(),
                }
            }
        ],
    }


def batch(size: int) -> dict[str, Any]:
    entries = []
    for _ in range(size):
        resource = note()
        url = f"DocumentReference/{resource['id']}"
        entries.append({"resource": resource, "request": {"method": "PUT", "url": url}})
    return {"resourceType": "Bundle", "type": "batch", "entry": entries}


def timed_ms(action: Any) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def summary(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"{name:<34} p50 {statistics.median(samples):7.1f} ms   p99 {p99:7.1f} ms")


def loop_stall_during_batch(client: FhirClient, metadata_url: str) -> list[float]:
    big = batch(500)
    done = threading.Event()

    def write() -> None:
        client.post("", big)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    stalls = []
    while not done.is_set():
        stalls.append(timed_ms(lambda: requests.get(metadata_url, timeout=30)))
    writer.join()
    return stalls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    # The process helper lives with the tests that also use it.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.server_process import running_server

    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as server:
        client = server.client("dr.rivera")
        first = note()
        client.put(f"DocumentReference/{first['id']}", first)
        summary(
            "read one resource",
            [
                timed_ms(lambda: client.get(f"DocumentReference/{first['id']}"))
                for _ in range(args.rounds)
            ],
        )

        def put_one() -> None:
            resource = note()
            client.put(f"DocumentReference/{resource['id']}", resource)

        summary("PUT one note (create)", [timed_ms(put_one) for _ in range(args.rounds)])
        for size, rounds in ((50, 20), (500, 5)):
            bodies = [batch(size) for _ in range(rounds)]
            summary(
                f"batch of {size} notes", [timed_ms(lambda b=b: client.post("", b)) for b in bodies]
            )
        stalls = loop_stall_during_batch(client, f"{server.base_url}/metadata")
        summary(f"metadata during a 500 batch (n={len(stalls)})", stalls)

        versions, pages = 0, 0
        started = time.perf_counter()
        page = client.get("DocumentReference/_history", _count="500").json()
        while True:
            versions += len(page.get("entry", []))
            pages += 1
            following = [link["url"] for link in page["link"] if link["relation"] == "next"]
            if not following:
                break
            page = client.get(following[0]).json()
        elapsed = time.perf_counter() - started
        print(f"history pull: {versions} versions in {pages} pages, {elapsed * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
