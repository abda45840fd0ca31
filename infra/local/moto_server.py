"""The local AWS endpoint: moto's server, keeping DynamoDB's promises under concurrency.

moto serves each connection on its own thread and applies a DynamoDB request step by
step to shared in-memory tables. Under concurrent requests that breaks what DynamoDB
guarantees: two conditional writes on one item can both pass their condition, and a
transaction (which moto runs by deep-copying the tables first, to roll back on
failure) can answer 500 while another thread changes the table it copies, or roll back
over another request's committed write.

DynamoDB itself serialises writes to an item and runs transactions atomically. Here,
every DynamoDB (and DynamoDB Streams) request of one moto account runs alone: a lock
per account around moto's handling of the request. Accounts stay independent, so tests
that each use their own account still run in parallel. Other services are untouched.

It also tracks fewer objects: moto keeps every model instance it ever creates — each
DynamoDB item, and each copy of a table a transaction takes — for `/moto-api/data.json`
alone, which serialises them all on every call. The local stack reads that endpoint for
one thing, the emails SES sent (`mailbox.rs`), so only SES's models are tracked: reading
the mailbox then costs the same after a test wrote 10,000 items as before.

And it keeps Cognito's promises where moto's Cognito is laxer (immutable attributes,
write attributes, revoked tokens, verified sign-in values, TOTP, triggers...):
`local_cognito.py`, middleware around the same app.

Usage (as `moto_server`): python moto_server.py -H 127.0.0.1 -p 5000
"""

import argparse
import logging
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core import common_models
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

from local_cognito import LocalCognito

# The services whose models `/moto-api/data.json` lists (what `mailbox.rs` reads).
TRACKED_SERVICES = ("ses",)


def tracked_new(cls, *args, **kwargs):
    """`BaseModel.__new__`, tracking only the instances of TRACKED_SERVICES."""
    instance = super(common_models.BaseModel, cls).__new__(cls)
    if cls.__module__.split(".")[1] in TRACKED_SERVICES:
        cls.instances_tracked.append(instance)
    return instance


common_models.BaseModel.__new__ = tracked_new

# The targets of DynamoDB's JSON protocol: `X-Amz-Target: DynamoDB_20120810.PutItem`.
DYNAMODB_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")


class SerializedDynamoDB:
    """WSGI middleware: one DynamoDB request at a time per moto account."""

    def __init__(self, app):
        self.app = app
        self.guard = threading.Lock()
        self.locks = {}

    def lock_for(self, account):
        with self.guard:
            return self.locks.setdefault(account, threading.Lock())

    def __call__(self, environ, start_response):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_TARGETS):
            return self.app(environ, start_response)
        account = environ.get("HTTP_X_MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
        with self.lock_for(account):
            # moto builds the whole response before returning it: reading the body
            # inside the lock keeps the request atomic even if that ever changes.
            return list(self.app(environ, start_response))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    # As moto's own `moto_server` does: URLs moto hands out name this port.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    # stderr carries what Cognito would send (codes) and moto's errors, not a line per
    # request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        SerializedDynamoDB(LocalCognito(app)),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
