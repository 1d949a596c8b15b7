"""A third-party client for /v1/stream, for the Swift tests: connects with the `websockets` package, prints every
message it receives as one JSON line (with "_receivedAt", seconds since the epoch), then one
{"type": "_closed", "code": N, "reason": "..."} line when the connection ends.

usage: stream_client.py PORT TOKEN JOB [--since SEQ] [--until-finished] [--timeout SECONDS]
JOB is a job id or "*"; --until-finished closes normally after that job's "finished" event.
"""
import argparse
import asyncio
import json
import sys
import time

import websockets


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("token")
    parser.add_argument("job")
    parser.add_argument("--since", type=int)
    parser.add_argument("--until-finished", action="store_true")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    def emit(value):
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    uri = f"ws://127.0.0.1:{args.port}/v1/stream?access_token={args.token}"
    deadline = time.monotonic() + args.timeout
    async with websockets.connect(uri, max_size=2**24) as socket:
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    emit({"type": "_timeout"})
                    return 3
                raw = await asyncio.wait_for(socket.recv(), timeout=left)
                message = json.loads(raw)
                message["_receivedAt"] = time.time()
                emit(message)
                if message.get("type") == "hello":
                    subscribe = {"op": "subscribe", "jobs": [args.job]}
                    if args.since is not None:
                        subscribe["since"] = {args.job: args.since}
                    await socket.send(json.dumps(subscribe))
                job = message.get("job") or {}
                if (args.until_finished and message.get("event") == "finished"
                        and job.get("id") == args.job):
                    await socket.close()
                    emit({"type": "_closed", "code": 1000, "reason": "done"})
                    return 0
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else 1006
            reason = closed.rcvd.reason if closed.rcvd is not None else ""
            emit({"type": "_closed", "code": code, "reason": reason})
            return 0
        except asyncio.TimeoutError:
            emit({"type": "_timeout"})
            return 3


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
