"""Serve the sandbox on a real port: python -m sandbox [--host H] [--port P]."""

from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple

from . import create_sandbox


def main(argv=None) -> None:
    """Parse arguments, build the sandbox from the environment and serve it."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    sb = create_sandbox(env=os.environ)
    print(f"Broker-API sandbox ({sb.kind}) listening on http://{args.host}:{args.port}",
          flush=True)
    run_simple(args.host, args.port, sb.app, threaded=True)


if __name__ == "__main__":
    main()
