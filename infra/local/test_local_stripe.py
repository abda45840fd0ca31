"""The local Stripe keeps Stripe's promises and refusals (`local_stripe.py`): one test each.

The stand-in runs in-process, mounted under `/stripe` as moto_server.py mounts it, on a
threaded wsgiref server; a small receiver records the webhooks. Each test uses a platform
key of its own, as parallel tests against one server do. Run from the repository root:
`python -m unittest -q infra/local/test_local_stripe.py` (`make stripe-stand-in-test`).
"""

import hashlib
import hmac
import json
import os
import socketserver
import sys
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import local_stripe  # noqa: E402


class QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, *_):
        pass


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Receiver(BaseHTTPRequestHandler):
    """Records each webhook delivery: (path, headers, body)."""

    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Receiver.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


NO_REDIRECT = urllib.request.build_opener(NoRedirect)


def not_stripe(environ, start_response):
    start_response("418 I'm a teapot", [("Content-Type", "text/plain")])
    return [b"moto"]


def sign(secret: str, stamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_parts(header: str) -> dict:
    return dict(part.split("=", 1) for part in header.split(","))


class LocalStripeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stripe = local_stripe.LocalStripe()
        app = local_stripe.mount(cls.stripe, not_stripe)
        cls.server = make_server("127.0.0.1", 0, app, server_class=ThreadingWSGIServer,
                                 handler_class=QuietWSGIHandler)
        cls.receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        cls.receiver.daemon_threads = True
        for server in (cls.server, cls.receiver):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.root = f"http://127.0.0.1:{cls.server.server_port}"
        cls.base = cls.root + "/stripe"
        cls.hooks = f"http://127.0.0.1:{cls.receiver.server_port}"

    @classmethod
    def tearDownClass(cls):
        for server in (cls.server, cls.receiver):
            server.shutdown()
            server.server_close()

    def setUp(self):
        self.key = "sk_test_" + uuid.uuid4().hex
        self.tag = uuid.uuid4().hex  # this test's webhook paths

    # --- helpers ---

    def request(self, method, path, params=(), key=None, account=None, idem=None, headers=None):
        """(status, JSON body, headers) of an API call."""
        data = urllib.parse.urlencode(list(params)).encode() if method == "POST" else None
        target = self.base + path
        if method == "GET" and params:
            target += "?" + urllib.parse.urlencode(list(params))
        sent = dict(headers or {})
        if key is not False:
            sent["Authorization"] = f"Bearer {key or self.key}"
        if account:
            sent["Stripe-Account"] = account
        if idem:
            sent["Idempotency-Key"] = idem
        req = urllib.request.Request(target, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return answer.status, json.loads(answer.read()), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read()), dict(error.headers)

    def ok(self, method, path, params=(), **kwargs):
        status, body, _ = self.request(method, path, params, **kwargs)
        self.assertEqual(status, 200, body)
        return body

    def page(self, method, url, form=None):
        """(status, text, Location) of a hosted page, redirects not followed."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        try:
            with NO_REDIRECT.open(req, timeout=10) as answer:
                return answer.status, answer.read().decode(), answer.headers.get("Location")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location")

    def endpoint(self, connect, events=("*",), secret=None, name="hook"):
        params = [("url", f"{self.hooks}/{self.tag}/{name}"), ("connect", str(connect).lower())]
        params += [(f"enabled_events[{i}]", e) for i, e in enumerate(events)]
        if secret:
            params.append(("secret", secret))
        return self.ok("POST", "/v1/webhook_endpoints", params)

    def received(self, name=None):
        """The events this test's endpoints got: (name, headers, body, event)."""
        out = []
        for path, headers, body in list(Receiver.received):
            parts = path.strip("/").split("/")
            if parts[0] == self.tag and (name is None or parts[1] == name):
                out.append((parts[1], headers, body, json.loads(body)))
        return out

    def onboard(self, account):
        link = self.ok("POST", "/v1/account_links", [
            ("account", account), ("refresh_url", "http://portal.test/refresh"),
            ("return_url", "http://portal.test/return"), ("type", "account_onboarding")])
        return link, self.page("POST", link["url"], {"complete": "1"})

    def account(self, enabled=True):
        account = self.ok("POST", "/v1/accounts", [("type", "standard"), ("email", "t@x.test")])
        if enabled:
            self.onboard(account["id"])
        return account["id"]

    def session_params(self, currency="eur", methods=("card", "ideal"), unit=12500):
        params = [("mode", "payment"),
                  ("success_url", "http://portal.test/paid?session={CHECKOUT_SESSION_ID}"),
                  ("cancel_url", "http://portal.test/invoices"),
                  ("line_items[0][price_data][currency]", currency),
                  ("line_items[0][price_data][unit_amount]", str(unit)),
                  ("line_items[0][price_data][product_data][name]", "Invoice 2026-001"),
                  ("line_items[0][quantity]", "1"),
                  ("metadata[invoices]", "inv_1"),
                  ("payment_intent_data[metadata][tenant]", "t_1")]
        return params + [(f"payment_method_types[{i}]", m) for i, m in enumerate(methods)]

    def paid_session(self, account):
        session = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account)
        return self.ok("POST", f"/_local/checkout/sessions/{session['id']}/pay",
                       [("method", "card"), ("outcome", "succeed")], account=account)

    # --- platforms and accounts ---

    def test_no_key_is_401(self):
        status, body, headers = self.request("POST", "/v1/accounts", [("type", "standard")], key=False)
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["type"], "invalid_request_error")
        self.assertIn("did not provide an API key", body["error"]["message"])
        status, body, _ = self.request("GET", "/v1/accounts/acct_x", key="sk_live_abcdefghijkl")
        self.assertEqual(status, 401)
        self.assertIn("Invalid API Key provided", body["error"]["message"])

    def test_another_platforms_account_is_refused(self):
        theirs = self.account()
        other_key = "sk_test_" + uuid.uuid4().hex
        status, body, _ = self.request("POST", "/v1/checkout/sessions", self.session_params(),
                                       key=other_key, account=theirs)
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["code"], "account_invalid")
        self.assertIn("does not have access to account", body["error"]["message"])
        status, body, _ = self.request("GET", f"/v1/accounts/{theirs}", key=other_key)
        self.assertEqual(status, 403, body)
        self.assertEqual(self.ok("GET", f"/v1/accounts/{theirs}")["id"], theirs)

    def test_another_accounts_session_is_404(self):
        mine, other = self.account(), self.account()
        session = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=mine)
        for account in (other, None):
            status, body, _ = self.request("GET", f"/v1/checkout/sessions/{session['id']}", account=account)
            self.assertEqual(status, 404, body)
            self.assertEqual(body["error"]["code"], "resource_missing")
        got = self.ok("GET", f"/v1/checkout/sessions/{session['id']}", account=mine)
        self.assertEqual(got["id"], session["id"])

    def test_onboarding_flips_charges_enabled_and_redirects(self):
        self.endpoint(connect=True)
        account = self.ok("POST", "/v1/accounts", [("type", "standard")])["id"]
        self.assertFalse(self.ok("GET", f"/v1/accounts/{account}")["charges_enabled"])
        link = self.ok("POST", "/v1/account_links", [
            ("account", account), ("refresh_url", "http://portal.test/refresh"),
            ("return_url", "http://portal.test/return"), ("type", "account_onboarding")])
        self.assertTrue(link["url"].startswith(self.base + "/connect/onboarding/"))
        self.assertEqual(link["expires_at"] - link["created"], 300)
        status, text, _ = self.page("GET", link["url"])
        self.assertEqual(status, 200)
        for piece in ('<html lang="en">', "<main>", "<h1>", 'id="complete-onboarding"', "Complete onboarding"):
            self.assertIn(piece, text)
        status, _, location = self.page("POST", link["url"], {"complete": "1"})
        self.assertEqual((status, location), (303, "http://portal.test/return"))
        got = self.ok("GET", f"/v1/accounts/{account}")
        self.assertTrue(got["charges_enabled"] and got["details_submitted"])
        [(_, _, _, event)] = self.received()
        self.assertEqual((event["type"], event["account"]), ("account.updated", account))
        self.assertTrue(event["data"]["object"]["charges_enabled"])
        status, text, _ = self.page("GET", link["url"])  # used once: a page with a way on
        self.assertEqual(status, 410)
        self.assertIn("already been used", text)
        self.assertIn('href="http://portal.test/refresh"', text)
        later = self.ok("POST", "/v1/account_links", [
            ("account", account), ("refresh_url", "http://portal.test/refresh"),
            ("return_url", "http://portal.test/return"), ("type", "account_onboarding")])
        token = later["url"].rsplit("/", 1)[1]
        self.stripe.links[token][1]["expires_at"] = later["created"]  # five minutes on
        status, text, _ = self.page("POST", later["url"], {"complete": "1"})
        self.assertEqual(status, 410)
        self.assertIn("has expired", text)

    # --- checkout ---

    def test_charges_not_enabled_refused(self):
        account = self.account(enabled=False)
        status, body, _ = self.request("POST", "/v1/checkout/sessions", self.session_params(), account=account)
        self.assertEqual(status, 400, body)
        self.assertIn("cannot currently make charges", body["error"]["message"])

    def test_ideal_with_usd_is_400(self):
        account = self.account()
        status, body, _ = self.request("POST", "/v1/checkout/sessions",
                                       self.session_params(currency="usd"), account=account)
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["param"], "payment_method_types[1]")
        self.assertIn("`eur`", body["error"]["message"])
        self.ok("POST", "/v1/checkout/sessions", self.session_params("usd", ("card",)), account=account)

    def test_session_is_stripes_shape(self):
        account = self.account()
        session = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account)
        self.assertTrue(session["id"].startswith("cs_test_"))
        self.assertEqual(session["url"], f"{self.base}/pay/{session['id']}")
        expected = {"object": "checkout.session", "status": "open", "payment_status": "unpaid",
                    "amount_total": 12500, "currency": "eur", "payment_intent": None,
                    "payment_method_types": ["card", "ideal"], "metadata": {"invoices": "inv_1"},
                    "livemode": False}
        self.assertEqual({k: session[k] for k in expected}, expected)
        status, body, _ = self.request("POST", "/v1/checkout/sessions",
                                       self.session_params() + [("surprise", "1")], account=account)
        self.assertEqual((status, body["error"]["param"]), (400, "surprise"))

    def test_hosted_page_fails_then_pays(self):
        self.endpoint(connect=True)
        account = self.account()
        session = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account)
        status, text, _ = self.page("GET", session["url"])
        self.assertEqual(status, 200)
        for piece in ('<html lang="en">', "<main>", "<h1>", "<legend>Payment method</legend>",
                      'name="method" value="ideal"', '<label for="method-ideal">iDEAL</label>',
                      'name="outcome" value="succeed"', 'name="outcome" value="fail"',
                      "€125.00", 'id="cancel" href="http://portal.test/invoices"'):
            self.assertIn(piece, text)
        path = urllib.parse.urlparse(session["url"]).path
        status, _, location = self.page("POST", session["url"], {"method": "ideal", "outcome": "fail"})
        self.assertEqual((status, location), (303, path))
        status, text, _ = self.page("GET", session["url"])
        self.assertIn('role="alert"', text)
        self.assertIn("Your card was declined.", text)
        failed = self.ok("GET", f"/v1/checkout/sessions/{session['id']}", account=account)
        self.assertEqual(failed["status"], "open")
        status, _, location = self.page("POST", session["url"], {"method": "ideal", "outcome": "succeed"})
        self.assertEqual((status, location), (303, f"http://portal.test/paid?session={session['id']}"))
        paid = self.ok("GET", f"/v1/checkout/sessions/{session['id']}", account=account)
        self.assertEqual((paid["status"], paid["payment_status"]), ("complete", "paid"))
        self.assertEqual(paid["payment_intent"], failed["payment_intent"])  # one PI, two attempts
        intent = self.ok("GET", f"/v1/payment_intents/{paid['payment_intent']}", account=account)
        self.assertEqual((intent["status"], intent["metadata"]), ("succeeded", {"tenant": "t_1"}))
        charge = self.ok("GET", f"/v1/charges/{intent['latest_charge']}", account=account)
        self.assertEqual(charge["payment_method_details"], {"type": "ideal"})
        self.assertEqual(charge["metadata"], {"tenant": "t_1"})
        kinds = [event["type"] for _, _, _, event in self.received()]
        self.assertEqual(kinds[1:], ["payment_intent.payment_failed", "payment_intent.succeeded",
                                     "charge.succeeded", "checkout.session.completed"])

    def test_paying_twice_charges_once(self):
        self.endpoint(connect=True, events=("charge.succeeded",))
        account = self.account()
        paid = self.paid_session(account)
        self.assertEqual(paid["status"], "complete")
        status, body, _ = self.request("POST", f"/_local/checkout/sessions/{paid['id']}/pay",
                                       [("method", "card"), ("outcome", "succeed")], account=account)
        self.assertEqual(status, 400, body)
        url = f"{self.base}/pay/{paid['id']}"
        status, text, _ = self.page("POST", url, {"method": "card", "outcome": "succeed"})
        self.assertEqual(status, 409)
        self.assertIn("no longer payable", text)
        status, text, _ = self.page("GET", url)
        self.assertIn("no longer payable", text)
        self.assertNotIn('name="outcome"', text)
        self.assertEqual(len(self.received()), 1)  # one charge.succeeded, ever

    def test_expire_only_an_open_session(self):
        self.endpoint(connect=True, events=("checkout.session.expired",))
        account = self.account()
        session = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account)
        failed = self.ok("POST", f"/_local/checkout/sessions/{session['id']}/pay",
                         [("method", "card"), ("outcome", "fail")], account=account)
        expired = self.ok("POST", f"/v1/checkout/sessions/{session['id']}/expire", account=account)
        self.assertEqual(expired["status"], "expired")
        intent = self.ok("GET", f"/v1/payment_intents/{failed['payment_intent']}", account=account)
        self.assertEqual(intent["status"], "canceled")
        status, text, _ = self.page("POST", session["url"], {"method": "card", "outcome": "succeed"})
        self.assertEqual(status, 409)
        status, _, _ = self.request("POST", f"/v1/checkout/sessions/{session['id']}/expire", account=account)
        self.assertEqual(status, 400)
        self.assertEqual([e["type"] for _, _, _, e in self.received()], ["checkout.session.expired"])

    # --- idempotency keys ---

    def test_idempotent_replay_returns_the_same_session(self):
        account = self.account()
        params = self.session_params()
        first = self.request("POST", "/v1/checkout/sessions", params, account=account, idem="k1")
        again = self.request("POST", "/v1/checkout/sessions", params, account=account, idem="k1")
        self.assertEqual((first[0], again[0]), (200, 200))
        self.assertEqual(first[1], again[1])
        self.assertEqual(again[2].get("Idempotent-Replayed"), "true")
        self.assertNotIn("Idempotent-Replayed", first[2])
        other = self.ok("POST", "/v1/checkout/sessions", params, account=account, idem="k2")
        self.assertNotEqual(other["id"], first[1]["id"])

    def test_same_key_other_parameters_is_400(self):
        account = self.account()
        self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account, idem="k")
        status, body, _ = self.request("POST", "/v1/checkout/sessions", self.session_params(unit=999),
                                       account=account, idem="k")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["type"], "idempotency_error")

    def test_a_refused_parameter_saves_nothing_under_the_key(self):
        account = self.account()
        bad = [p for p in self.session_params() if p[0] != "success_url"]
        status, body, _ = self.request("POST", "/v1/checkout/sessions", bad, account=account, idem="k")
        self.assertEqual((status, body["error"]["param"]), (400, "success_url"))
        self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account, idem="k")

    def test_key_in_use_is_409(self):
        account = self.account()
        entered, release = threading.Event(), threading.Event()

        def hold():
            if not entered.is_set():
                entered.set()
                release.wait(5)

        self.stripe.before_execute = hold
        first = {}
        try:
            worker = threading.Thread(target=lambda: first.update(answer=self.request(
                "POST", "/v1/checkout/sessions", self.session_params(), account=account, idem="k")))
            worker.start()
            self.assertTrue(entered.wait(5))
            status, body, _ = self.request("POST", "/v1/checkout/sessions", self.session_params(),
                                           account=account, idem="k")
        finally:
            release.set()
            worker.join(5)
            self.stripe.before_execute = None
        self.assertEqual(status, 409)
        self.assertEqual((body["error"]["type"], body["error"]["code"]),
                         ("idempotency_error", "idempotency_key_in_use"))
        self.assertEqual(first["answer"][0], 200)
        replay = self.ok("POST", "/v1/checkout/sessions", self.session_params(), account=account, idem="k")
        self.assertEqual(replay["id"], first["answer"][1]["id"])

    # --- refunds and disputes ---

    def test_refund_more_than_left_is_400(self):
        self.endpoint(connect=True, events=("charge.refunded",))
        account = self.account()
        paid = self.paid_session(account)
        refund = self.ok("POST", "/v1/refunds", [("payment_intent", paid["payment_intent"]),
                                                 ("amount", "5000")], account=account)
        self.assertEqual((refund["object"], refund["amount"], refund["status"]), ("refund", 5000, "succeeded"))
        status, body, _ = self.request("POST", "/v1/refunds", [("payment_intent", paid["payment_intent"]),
                                                               ("amount", "8000")], account=account)
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["code"], "amount_too_large")
        self.assertIn("greater than unrefunded amount on charge (€75.00)", body["error"]["message"])
        rest = self.ok("POST", "/v1/refunds", [("charge", refund["charge"])], account=account)
        self.assertEqual(rest["amount"], 7500)
        charge = self.ok("GET", f"/v1/charges/{refund['charge']}", account=account)
        self.assertEqual((charge["amount_refunded"], charge["refunded"]), (12500, True))
        refunded = [e["data"]["object"]["amount_refunded"] for _, _, _, e in self.received()]
        self.assertEqual(refunded, [5000, 12500])

    def test_disputes_open_and_close(self):
        self.endpoint(connect=True, events=("charge.dispute.created", "charge.dispute.closed"))
        account = self.account()
        paid = self.paid_session(account)
        intent = self.ok("GET", f"/v1/payment_intents/{paid['payment_intent']}", account=account)
        dispute = self.ok("POST", "/_local/disputes", [("charge", intent["latest_charge"])], account=account)
        self.assertEqual((dispute["status"], dispute["amount"]), ("needs_response", 12500))
        closed = self.ok("POST", f"/_local/disputes/{dispute['id']}/close", [("status", "lost")], account=account)
        self.assertEqual(closed["status"], "lost")
        self.assertEqual([e["type"] for _, _, _, e in self.received()],
                         ["charge.dispute.created", "charge.dispute.closed"])

    # --- events and webhooks ---

    def test_signature_verifies_and_events_route_by_connect(self):
        connect = self.endpoint(connect=True, secret="whsec_chosen", name="connect")
        platform = self.endpoint(connect=False, name="platform")
        self.endpoint(connect=True, events=("charge.refunded",), name="refunds")
        self.assertEqual(connect["secret"], "whsec_chosen")
        self.assertTrue(platform["secret"].startswith("whsec_"))
        account = self.account()
        deliveries = self.received()
        self.assertEqual([name for name, *_ in deliveries], ["connect"])
        _, headers, body, event = deliveries[0]
        self.assertEqual(headers["Content-Type"], "application/json")
        parts = signature_parts(headers["Stripe-Signature"])
        self.assertEqual(parts["v1"], sign("whsec_chosen", parts["t"], body))
        self.assertNotEqual(parts["v1"], sign(platform["secret"], parts["t"], body))
        self.assertEqual((event["object"], event["api_version"], event["account"], event["livemode"]),
                         ("event", "2024-06-20", account, False))
        got = self.ok("GET", f"/v1/events/{event['id']}", account=account)
        self.assertEqual(got["id"], event["id"])
        status, _, _ = self.request("GET", f"/v1/events/{event['id']}")  # not the platform's own
        self.assertEqual(status, 404)

    def test_resend_delivers_the_same_event(self):
        self.endpoint(connect=True, secret="whsec_resend")
        account = self.account()
        [(_, _, body, event)] = self.received()
        answer = self.ok("POST", f"/_local/events/{event['id']}/resend", account=account)
        self.assertEqual(answer, {"delivered": [200]})
        first, second = self.received()
        self.assertEqual(second[2], body)
        self.assertEqual(second[3]["id"], event["id"])
        parts = signature_parts(second[1]["Stripe-Signature"])
        self.assertEqual(parts["v1"], sign("whsec_resend", parts["t"], second[2]))

    def test_a_failed_delivery_does_not_fail_the_call(self):
        self.ok("POST", "/v1/webhook_endpoints", [("url", "http://127.0.0.1:9/nobody"),
                                                  ("enabled_events[0]", "*"), ("connect", "true")])
        account = self.ok("POST", "/v1/accounts", [("type", "standard")])["id"]
        link, (status, _, _) = self.onboard(account)
        self.assertEqual(status, 303)
        events = [e for e in self.stripe.platforms[self.key].objects.values() if e.get("object") == "event"]
        record = self.ok("GET", f"/_local/events/{events[0]['id']}", account=account)
        self.assertEqual(record["deliveries"][0]["status"], 0)
        self.assertEqual(record["event"]["pending_webhooks"], 1)

    def test_only_stripe_paths_reach_the_stand_in(self):
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(self.root + "/stripe-not")
        self.assertEqual((caught.exception.code, caught.exception.read()), (418, b"moto"))
        status, body, _ = self.request("GET", "/v1/nothing")
        self.assertEqual(status, 404)
        self.assertIn("Unrecognized request URL", body["error"]["message"])


if __name__ == "__main__":
    unittest.main()
