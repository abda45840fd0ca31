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

Transactions cost what they name, not the table (`moto_speed.py`: moto deep-copies the
table per operation to roll back), and each user pool no longer re-imports moto's one
signing key.

And it keeps Cognito's promises where moto's Cognito is laxer (immutable attributes,
write attributes, revoked tokens, verified sign-in values, TOTP, triggers...):
`local_cognito.py`, middleware around the same app.

S3's CopyObject keeps its conditions here as in AWS: moto 5.2.5 copies whatever
`x-amz-copy-source-if-match` and `If-None-Match: *` say. Portico relies on both when it
attaches an upload (copy exactly the bytes it checked, to a key written once), so a
copy whose condition fails answers 412 PreconditionFailed, as S3 does; copies with a
condition run one at a time per account, so the check and the copy are one step.

Requests under `/stripe/` go to the local Stripe (`local_stripe.py`, the prefix
stripped): Portico's Stripe client takes `http://127.0.0.1:<this port>/stripe` as its
API base, so the local stack starts one server for both.

Usage (as `moto_server`): python moto_server.py -H 127.0.0.1 -p 5000
"""

import argparse
import logging
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple

from urllib.parse import unquote, urlparse

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core import common_models
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import PreconditionFailed
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

from local_cognito import LocalCognito
from local_stripe import LocalStripe, mount
import moto_speed

moto_speed.install()

# The services whose models `/moto-api/data.json` lists (what `mailbox.rs` reads).
TRACKED_SERVICES = ("ses",)


def tracked_new(cls, *args, **kwargs):
    """`BaseModel.__new__`, tracking only the instances of TRACKED_SERVICES."""
    instance = super(common_models.BaseModel, cls).__new__(cls)
    if cls.__module__.split(".")[1] in TRACKED_SERVICES:
        cls.instances_tracked.append(instance)
    return instance


common_models.BaseModel.__new__ = tracked_new

def same_etag(a, b):
    """S3 compares entity tags with or without their quotes."""
    return a.strip('"') == b.strip('"')


COPY_LOCKS = {}
COPY_LOCKS_GUARD = threading.Lock()
moto_copy_object = s3_responses.S3Response.copy_object


def copy_object_with_conditions(self):
    """`S3Response.copy_object`, refusing what S3 refuses: a source whose ETag is not
    `x-amz-copy-source-if-match`, a destination that exists under `If-None-Match: *`."""
    source_if_match = self.headers.get("x-amz-copy-source-if-match")
    dest_if_none_match = self.headers.get("If-None-Match")
    if not source_if_match and dest_if_none_match != "*":
        return moto_copy_object(self)
    with COPY_LOCKS_GUARD:
        lock = COPY_LOCKS.setdefault(self.current_account, threading.Lock())
    with lock:
        if source_if_match:
            source = urlparse(self.headers.get("x-amz-copy-source", ""))
            bucket, key = unquote(source.path).lstrip("/").split("/", 1)
            found = self.backend.get_object(bucket, key)
            if found is not None and not same_etag(found.etag, source_if_match):
                raise PreconditionFailed("x-amz-copy-source-If-Match")
        if dest_if_none_match == "*":
            if self.backend.get_object(self.bucket_name, self.parse_key_name()) is not None:
                raise PreconditionFailed("If-None-Match")
        return moto_copy_object(self)


s3_responses.S3Response.copy_object = copy_object_with_conditions

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
        mount(LocalStripe(), SerializedDynamoDB(LocalCognito(app))),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
