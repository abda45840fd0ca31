#!/usr/bin/env python3
"""A back office talking to Portico: load a CSV export, then hear what members do.

    python3 backoffice.py load    # customers, sites and jobs from data/*.csv, in batches
    python3 backoffice.py listen  # subscribe a local receiver, verify and print webhooks

It uses the integration credentials `make dev` prints (PORTICO_CLIENT_ID,
PORTICO_CLIENT_SECRET, PORTICO_TOKEN_URL; PORTICO_URL defaults to the local API) and
nothing but Python's standard library. See README.md beside it.
"""

import base64
import csv
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

# `make dev` writes what it started to .local/stack.json: the API's address and the demo
# integration's credentials, used when the environment names none.
STACK = Path(__file__).resolve().parents[2] / ".local" / "stack.json"
LOCAL = json.loads(STACK.read_text()) if STACK.is_file() else {}
API = os.environ.get("PORTICO_URL", LOCAL.get("api_url", "http://127.0.0.1:3000")).rstrip("/")
DATA = Path(os.environ.get("PORTICO_DATA", Path(__file__).with_name("data")))
# What the portal accepts in one batch (docs/integration.md).
BATCH = 100
# What the office acts on (docs/integration.md lists every type).
EVENTS = [
    "work_request.submitted",
    "quote.approved",
    "quote.rejected",
    "job.note_added",
    "member.changed",
    "contact.unsubscribed",
    "message.acknowledged",
]
# How old a webhook may be before it is refused as a replay (Standard Webhooks: 5 minutes).
TOLERANCE = 300


def need(name):
    key = name.removeprefix("PORTICO_").lower()
    value = os.environ.get(name) or LOCAL.get("back_office", {}).get(key)
    if not value:
        sys.exit(f"{name} is not set: `make dev` prints the demo integration's credentials")
    return value


def token():
    """An access token by the OAuth 2.0 client-credentials grant (valid an hour)."""
    client = f"{need('PORTICO_CLIENT_ID')}:{need('PORTICO_CLIENT_SECRET')}"
    request = urllib.request.Request(
        need("PORTICO_TOKEN_URL"),
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={
            "Authorization": "Basic " + base64.b64encode(client.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["access_token"]


def call(bearer, method, path, body=None, key=None):
    headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if key:
        # The same key for the same request: a retried batch is answered, not re-run.
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(API + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def items():
    """The export as batch items, parents first: each names its parent by reference — a
    child customer its parent, a site its customer, a job its customer and site."""
    for c in rows("customers.csv"):
        body = {"name": c["name"], "account_code": c["account_code"] or None, "parent_id": c["parent_ref"] or None}
        yield {"kind": "customer", "ref": c["ref"], "body": body}
    for s in rows("sites.csv"):
        body = {"customer_id": s["customer_ref"], "name": s["name"], "address": s["address"]}
        yield {"kind": "site", "ref": s["ref"], "body": body}
    for j in rows("jobs.csv"):
        body = {
            "customer_id": j["customer_ref"],
            "site_id": j["site_ref"],
            "category": j["category"],
            "status": j["status"],
            "description": j["description"],
        }
        yield {"kind": "job", "ref": j["ref"], "body": body}


def send(bearer, todo):
    """`todo` in batches of at most BATCH, each item's answer printed. Returns how many
    were refused."""
    failed = 0
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        # The same key for the same items: a batch retried after a timeout is answered
        # again, not run again (and every item is an idempotent upsert anyway).
        key = hashlib.sha256(json.dumps(chunk, sort_keys=True).encode()).hexdigest()
        status, answer = call(bearer, "POST", "/admin/batch", {"items": chunk}, key)
        if status != 200:
            sys.exit(f"the batch was refused ({status}): {answer.get('detail') or answer}")
        for item, result in zip(chunk, answer["results"]):
            ok = 200 <= result["status"] < 300
            failed += not ok
            problem = result.get("problem") or {}
            what = result["id"] if ok else f"{problem.get('detail')} {problem.get('errors', '')}"
            print(f"{result['status']}  {item['kind']:<9} {item['ref']:<12} {what}")
    return failed


def load():
    todo = list(items())
    failed = send(token(), todo)
    print(f"{len(todo) - failed} records stored, {failed} refused; sending the same export again changes nothing")
    return 1 if failed else 0


def verify(secret, headers, body):
    """Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` with the secret's key bytes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE:
        return False
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, g) for g in given)


def listen():
    port = int(os.environ.get("PORT", "8787"))
    bearer = token()
    status, hook = call(
        bearer,
        "POST",
        "/admin/webhooks",
        {"url": f"http://127.0.0.1:{port}/portico", "description": "examples/back-office", "event_types": EVENTS},
        key=f"examples-back-office-{port}",
    )
    if status not in (200, 201):
        sys.exit(f"subscribing failed ({status}): {hook.get('detail') or hook}")
    secret = hook["secret"]
    seen = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if not verify(secret, headers, body):
                self.send_response(400)
                self.end_headers()
                print("refused a delivery whose signature did not verify")
                return
            self.send_response(204)
            self.end_headers()
            if headers["webhook-id"] in seen:
                return  # delivered again (a retry whose answer was lost): already handled
            seen.add(headers["webhook-id"])
            event = json.loads(body)
            print(f"{event['type']:<24} {json.dumps(event['data'], ensure_ascii=False)}", flush=True)

        def log_message(self, *args):
            pass

    print(f"subscribed {hook['id']}; listening on 127.0.0.1:{port} (approve a quote in the portal…)", flush=True)
    try:
        HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
    except KeyboardInterrupt:
        call(bearer, "DELETE", f"/admin/webhooks/{hook['id']}")
    return 0


if __name__ == "__main__":
    commands = {"load": load, "listen": listen}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]]())
