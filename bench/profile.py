"""Where a page's time goes: pyinstrument over N in-process requests, production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/transferportal_bench \\
        .venv/bin/python bench/profile.py /angebote/ [--requests 300] [--uncached]

Requests go through the whole middleware stack via Django's test client (no network, no gunicorn).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description="pyinstrument profile of one URL")
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--uncached", action="store_true", help="switch the page cache off")
    args = parser.parse_args()
    from bench import inprocess

    inprocess.setup(BENCH_FLOOR="1", PAGE_CACHE_TIMEOUT="0" if args.uncached else "3600")
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    for _ in range(3):
        assert client.get(args.url).status_code == 200
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(min(args.requests, 10_000)):
        client.get(args.url)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
