"""The local Stripe: a small stateful stand-in for the Stripe calls Portico makes.

Portico takes invoice payments through Stripe Connect (docs/decisions/0004-payments.md):
Standard connected accounts onboarded by an Account Link, direct charges by a hosted
Checkout Session on the tenant's account (`Stripe-Account: acct_…`), refunds, disputes,
idempotency keys on every create, and signed Connect webhooks. No published stand-in
serves Connect, idempotency keys, iDEAL and Checkout together (localstripe serves none of
them), so this one serves exactly those calls, keeping what Stripe promises and refuses:

- **Platforms.** Every `/v1` and `/_local` call needs `Authorization: Bearer sk_test_…`
  (or the key as Basic auth's user name, as curl's `-u sk_test_…:` sends it): 401 with
  Stripe's messages otherwise. The key names a platform and every object, event, webhook
  endpoint and idempotency key belongs to one platform, so parallel tests that each use
  their own key never see each other's state.
- **Connected accounts.** `Stripe-Account` scopes a call to one of the platform's
  accounts; any other account id (another platform's, or none at all) is Stripe's
  permission refusal (403, "does not have access to account … (or that account does not
  exist)"), for the header and for `GET /v1/accounts/{id}` alike, as Stripe does not tell
  the two apart. An object of another account of the same platform is 404
  `resource_missing` ("No such checkout.session: …"), or 400 when a parameter names it.
- **Checkout.** Sessions are made on a connected account whose charges are enabled (400
  with Stripe's "Your account cannot currently make charges" otherwise). As Stripe since
  API version 2022-08-01, the PaymentIntent is made when the session is paid (or a
  payment attempt fails), not with the session. A session is paid once, ever.
- **Idempotency keys**, kept as Stripe keeps them (docs.stripe.com/api/idempotent_requests):
  per (platform, `Stripe-Account`, key), for 24 hours; the result (status and body) is
  saved once the endpoint begins executing, whatever it is, and replayed with
  `Idempotent-Replayed: true` (a refusal by the state of things is such a result: charges
  not enabled, a refund larger than what is left, a session no longer open, an object
  not found); a request refused by parameter validation saves nothing (the key stays
  free); the same key for other parameters or another endpoint is 400
  `idempotency_error`; a second request while the first is in flight is 409
  `idempotency_error` / `idempotency_key_in_use`, and saves nothing.
- **Webhooks.** Each event goes to the platform's endpoints whose `connect` matches (an
  event of a connected account carries `account` and goes to Connect endpoints only) and
  whose `enabled_events` name it (or `*`), signed as Stripe signs:
  `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

Where it is simpler than Stripe, on purpose:

- Delivery is synchronous: the events a call causes are delivered, in order, before that
  call answers (after its result is saved and outside the state lock, since a receiver
  may call back in), so tests never wait. One attempt, 10 s timeout; a failure does not
  fail the caller and is recorded on the event (`GET /_local/events/{id}`); there are no
  automatic retries (`POST /_local/events/{id}/resend` is the dashboard's "Resend").
- Only the parameters Portico sends are served; any other is Stripe's 400 "Received
  unknown parameter". Line items take `price_data` only (no Price objects), `mode` is
  `payment` only, payment methods are `card` and `ideal` (iDEAL in EUR only, as Stripe),
  amounts are in a currency's minor unit with two decimals (no zero-decimal currencies).
- Objects carry the fields Portico reads, not all of Stripe's. Sessions do not expire by
  the clock (only by `…/expire`, which cancels a failed attempt's PaymentIntent, as
  Stripe does); account links do (5 minutes, as Stripe's).
- Webhook endpoints require `url` and `enabled_events` as Stripe does; a local
  extension: an optional `secret` parameter sets the endpoint's signing secret (the local
  stack chooses it before it knows the rest). Endpoints accept `http://` URLs.
- Hosted pages stand in for Stripe's: `<base>/connect/onboarding/<token>` (one button
  completes onboarding: charges and details enabled, `account.updated`, 303 to
  `return_url`) and `<base>/pay/<cs_id>` (a method and an outcome: succeed or fail).
- Local hooks (`/_local/…`, same auth and scoping) do what only a person or a bank would:
  pay a session without a browser, open and close a dispute, resend an event, and a test
  may set `LocalStripe.before_execute` to hold a request in flight.

It is WSGI (stdlib only), mounted by `moto_server.py` under `/stripe` (`mount`): the
client's API base is `http://127.0.0.1:<moto port>/stripe`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable

API_VERSION = "2024-06-20"
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
ACCOUNT_LINK_TTL_SECONDS = 300
SESSION_TTL_SECONDS = 24 * 3600
WEBHOOK_TIMEOUT_SECONDS = 10
MAX_AMOUNT = 99_999_999
PAYMENT_METHODS = ("card", "ideal")
# The currencies each payment method takes (iDEAL: euros only, as Stripe).
METHOD_CURRENCIES = {"ideal": ("eur",)}
METHOD_NAMES = {"card": "Card", "ideal": "iDEAL"}
CURRENCY_SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}
DECLINED = "Your card was declined."
ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


def now() -> int:
    return int(time.time())


def money(amount: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    figure = f"{amount / 100:,.2f}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency.upper()}"


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """An object as Stripe shows it: without the stand-in's own `_` keys."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}


# --- errors ---------------------------------------------------------------------------------


class Refusal(Exception):
    """A Stripe error. `executed` says whether the endpoint had begun executing: an
    idempotency key saves the result of such a request, and not of one refused by
    parameter validation."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None, executed: bool = False,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
        self.param, self.code, self.executed = param, code, executed
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        if self.code is not None:
            error["code"] = self.code
        return {"error": error}


def invalid(message: str, param: str | None = None, code: str | None = None) -> Refusal:
    """A parameter refused before anything ran (nothing saved under an idempotency key)."""
    return Refusal(400, message, param=param, code=code)


def refused(message: str, param: str | None = None, code: str | None = None) -> Refusal:
    """A refusal by the state of things, once the endpoint runs (saved under a key)."""
    return Refusal(400, message, param=param, code=code, executed=True)


def missing(kind: str, ident: str, param: str | None = None) -> Refusal:
    status = 404 if param is None else 400
    return Refusal(status, f"No such {kind}: '{ident}'", param=param or "id",
                   code="resource_missing", executed=True)


def masked(key: str) -> str:
    return key[:8] + "*" * max(0, len(key) - 12) + key[-4:]


def no_access(key: str, account: str) -> Refusal:
    return Refusal(
        403,
        f"The provided key '{masked(key)}' does not have access to account '{account}' "
        "(or that account does not exist). Application access may have been revoked.",
        code="account_invalid",
    )


# --- form-encoded parameters, bracket notation --------------------------------------------

KEY_PARTS = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_form(raw: str) -> dict[str, Any]:
    """`a[b][0][c]=x&a[b][0][d]=y&m[k]=v` -> {"a": {"b": [{"c": "x", "d": "y"}]}, "m": {...}}."""
    root: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
        match = KEY_PARTS.match(key)
        parts = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2)) if match else [key]
        node = root
        for depth, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            last = depth == len(parts) - 1
            if last:
                if isinstance(node.get(part), dict):
                    raise invalid(f"Invalid hash: {key}", param=key)
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise invalid(f"Invalid hash: {key}", param=key)
                node = child
    return listify(root)


def listify(node: Any, name: str = "") -> Any:
    """Hashes whose keys are all indices become arrays (not under `metadata`)."""
    if not isinstance(node, dict):
        return node
    out = {k: listify(v, k) for k, v in node.items()}
    if out and name != "metadata" and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


# --- parameter checks -------------------------------------------------------------------


def check_known(params: dict[str, Any], allowed: dict[str, Any], prefix: str = "") -> None:
    """Stripe's "Received unknown parameter". `allowed` maps a name to None (a value), a
    dict (a hash of those names), `"metadata"` (a hash of strings) or `[spec]` (an array)."""
    for name, value in params.items():
        path = f"{prefix}[{name}]" if prefix else name
        if name not in allowed:
            raise invalid(f"Received unknown parameter: {path}", param=path)
        spec = allowed[name]
        if spec is None:
            if not isinstance(value, str):
                raise invalid(f"Invalid string: {json.dumps(value)}", param=path)
        elif spec == "metadata":
            check_metadata(value, path)
        elif isinstance(spec, list):
            items = value if isinstance(value, list) else None
            if items is None:
                raise invalid("Invalid array", param=path)
            for index, item in enumerate(items):
                item_path = f"{path}[{index}]"
                if isinstance(spec[0], dict):
                    if not isinstance(item, dict):
                        raise invalid("Invalid object", param=item_path)
                    check_known(item, spec[0], item_path)
                elif not isinstance(item, str):
                    raise invalid(f"Invalid string: {json.dumps(item)}", param=item_path)
        elif isinstance(spec, dict):
            if not isinstance(value, dict):
                raise invalid("Invalid object", param=path)
            check_known(value, spec, path)


def check_metadata(value: Any, path: str) -> None:
    if value == "":
        return  # Stripe: an empty string unsets metadata
    if not isinstance(value, dict):
        raise invalid("Invalid object", param=path)
    if len(value) > 50:
        raise invalid("Metadata can have up to 50 keys.", param=path)
    for key, item in value.items():
        if not isinstance(item, str):
            raise invalid(f"Invalid string: {json.dumps(item)}", param=f"{path}[{key}]")
        if len(key) > 40:
            raise invalid("Metadata keys can have up to 40 characters.", param=f"{path}[{key}]")
        if len(item) > 500:
            raise invalid("Metadata values can have up to 500 characters.", param=f"{path}[{key}]")


def required(params: dict[str, Any], name: str, path: str | None = None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise invalid(f"Missing required param: {path or name}.", param=path or name)
    return value


def integer(value: str, path: str) -> int:
    if not re.fullmatch(r"-?\d+", value or ""):
        raise invalid(f"Invalid integer: {value}", param=path)
    return int(value)


def amount(value: str, path: str) -> int:
    number = integer(value, path)
    if number < 1:
        raise invalid("This value must be greater than or equal to 1.", param=path)
    if number > MAX_AMOUNT:
        raise invalid(f"This value must be less than or equal to {MAX_AMOUNT}.", param=path)
    return number


def boolean(value: str, path: str) -> bool:
    if value not in ("true", "false"):
        raise invalid(f"Invalid boolean: {value}", param=path)
    return value == "true"


def url(value: str, path: str) -> str:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("Not a valid URL", param=path, code="url_invalid")
    return value


def metadata(params: dict[str, Any], name: str = "metadata") -> dict[str, str]:
    value = params.get(name)
    return dict(value) if isinstance(value, dict) else {}


# --- state ------------------------------------------------------------------------------


class Platform:
    """Everything one platform key owns."""

    def __init__(self, key: str):
        self.key = key
        self.accounts: dict[str, dict[str, Any]] = {}
        # Every other object and event by id; `_account` names the connected account
        # it lives on (None: the platform's own).
        self.objects: dict[str, dict[str, Any]] = {}
        self.endpoints: list[dict[str, Any]] = []
        # (Stripe-Account or "", key) -> {"fingerprint", "done", "status", "body", "at"}
        self.idempotency: dict[tuple[str, str], dict[str, Any]] = {}


class Call:
    """One API call: its platform, scope, parameters and the events it causes."""

    def __init__(self, store: "LocalStripe", platform: Platform, account: str | None,
                 method: str, path: str, params: dict[str, Any], base: str):
        self.store, self.platform, self.account = store, platform, account
        self.method, self.path, self.params, self.base = method, path, params, base
        self.events: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []

    def find(self, kind: str, ident: str, param: str | None = None) -> dict[str, Any]:
        """An object of this call's account, or Stripe's `resource_missing`."""
        obj = self.platform.objects.get(ident)
        if obj is None or obj.get("object") != kind or obj["_account"] != self.account:
            raise missing(kind, ident, param)
        return obj

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj["_account"] = self.account
        self.platform.objects[obj["id"]] = obj
        return obj

    def emit(self, kind: str, obj: dict[str, Any]) -> None:
        self.events.append(self.store.new_event(self.platform, obj["_account"], kind, obj))

    def connected(self) -> str:
        if self.account is None:
            raise invalid(
                "The local Stripe stand-in serves this call on a connected account only: "
                "send the Stripe-Account header.")
        return self.account


class Response:
    def __init__(self, status: int, body: bytes, content_type: str,
                 headers: list[tuple[str, str]] | None = None):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or []

    def __call__(self, start_response):
        reason = {200: "OK", 303: "See Other", 400: "Bad Request", 401: "Unauthorized",
                  403: "Forbidden", 404: "Not Found", 409: "Conflict", 410: "Gone",
                  500: "Internal Server Error"}.get(self.status, "")
        headers = [("Content-Type", self.content_type),
                   ("Content-Length", str(len(self.body)))] + self.headers
        start_response(f"{self.status} {reason}", headers)
        return [self.body]


def json_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    extra = [("Request-Id", new_id("req_", 14))] + list((headers or {}).items())
    return Response(status, json.dumps(body).encode(), "application/json", extra)


def html_response(status: int, title: str, main: str, headers: list[tuple[str, str]] | None = None) -> Response:
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} · local Stripe</title>\n</head>\n<body>\n<main>\n"
        f"{main}\n</main>\n</body>\n</html>\n"
    )
    return Response(status, page.encode(), "text/html; charset=utf-8", headers)


def redirect(location: str) -> Response:
    return Response(303, b"", "text/plain", [("Location", location)])


# --- the app ----------------------------------------------------------------------------


class LocalStripe:
    """The WSGI app. All state sits behind one lock; webhooks are delivered outside it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.platforms: dict[str, Platform] = {}
        # Hosted pages carry no key: what they name, by id or token, to its platform.
        self.sessions: dict[str, Platform] = {}
        self.links: dict[str, tuple[Platform, dict[str, Any]]] = {}
        # Test hook: called outside the lock once a request's idempotency key is claimed
        # and before the endpoint executes (a test holds a request in flight with it).
        self.before_execute: Callable[[], None] | None = None
        self.routes: list[tuple[str, re.Pattern, Callable]] = [
            (m, re.compile(f"^{p}$"), h) for m, p, h in [
                ("POST", r"/v1/accounts", self.create_account),
                ("GET", r"/v1/accounts/(?P<id>[^/]+)", self.get_account),
                ("POST", r"/v1/account_links", self.create_account_link),
                ("POST", r"/v1/checkout/sessions", self.create_session),
                ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self.getter("checkout.session")),
                ("POST", r"/v1/checkout/sessions/(?P<id>[^/]+)/expire", self.expire_session),
                ("GET", r"/v1/payment_intents/(?P<id>[^/]+)", self.getter("payment_intent")),
                ("GET", r"/v1/charges/(?P<id>[^/]+)", self.getter("charge")),
                ("POST", r"/v1/refunds", self.create_refund),
                ("GET", r"/v1/refunds/(?P<id>[^/]+)", self.getter("refund")),
                ("GET", r"/v1/disputes/(?P<id>[^/]+)", self.getter("dispute")),
                ("POST", r"/v1/webhook_endpoints", self.create_webhook_endpoint),
                ("GET", r"/v1/events", self.list_events),
                ("GET", r"/v1/events/(?P<id>[^/]+)", self.getter("event")),
                ("POST", r"/_local/checkout/sessions/(?P<id>[^/]+)/pay", self.pay_hook),
                ("POST", r"/_local/disputes", self.create_dispute),
                ("POST", r"/_local/disputes/(?P<id>[^/]+)/close", self.close_dispute),
                ("GET", r"/_local/events/(?P<id>[^/]+)", self.event_deliveries),
                ("POST", r"/_local/events/(?P<id>[^/]+)/resend", None),
            ]
        ]

    # --- WSGI ---

    def __call__(self, environ, start_response):
        try:
            response = self.handle(environ)
        except Refusal as refusal:
            response = json_response(refusal.status, refusal.body(), refusal.headers)
        except Exception as error:  # a bug here: answer as Stripe's api_error does
            response = json_response(500, {"error": {"type": "api_error", "message": repr(error)}})
        return response(start_response)

    def handle(self, environ) -> Response:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        base = self.base(environ)
        body = read_body(environ) if method == "POST" else ""
        # Hosted pages name themselves by their full path (under the mount's prefix).
        full = environ.get("SCRIPT_NAME", "") + path
        if path.startswith("/pay/"):
            return self.pay_page(method, full, path[len("/pay/"):], body)
        if path.startswith("/connect/onboarding/"):
            return self.onboarding_page(method, full, path[len("/connect/onboarding/"):])
        key = api_key(environ)
        route = self.route(method, path)
        with self.lock:
            platform = self.platforms.setdefault(key, Platform(key))
            account = environ.get("HTTP_STRIPE_ACCOUNT") or None
            if account is not None and account not in platform.accounts:
                raise no_access(key, account)
        if route is None:
            raise Refusal(404, f"Unrecognized request URL ({method}: {path}). Please see "
                          "https://stripe.com/docs or we can help at https://support.stripe.com/.")
        handler, ident = route
        raw = body if method == "POST" else environ.get("QUERY_STRING", "")
        params = parse_form(raw)
        if ident is not None:
            params = dict(params, **{"\0id": ident})
        call = Call(self, platform, account, method, path, params, base)
        if handler is None:
            return self.resend(call, ident)
        idem_key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if method == "POST" and idem_key:
            return self.idempotent(call, handler, idem_key)
        if self.before_execute is not None and method == "POST":
            self.before_execute()
        status, answer, _executed = self.execute(call, handler)
        self.deliver_all(call.events)
        return json_response(status, answer)

    def base(self, environ) -> str:
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}"

    def route(self, method: str, path: str):
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if match and route_method == method:
                return handler, match.groupdict().get("id")
        return None

    def execute(self, call: Call, handler) -> tuple[int, dict[str, Any], bool]:
        """Runs a handler under the lock: (status, body, whether it began executing)."""
        with self.lock:
            try:
                return 200, handler(call), True
            except Refusal as refusal:
                call.events.clear()
                return refusal.status, refusal.body(), refusal.executed

    # --- idempotency keys ---

    def idempotent(self, call: Call, handler, key: str) -> Response:
        if len(key) > 255:
            raise invalid("Idempotency keys can be at most 255 characters long.")
        slot = (call.account or "", key)
        params = {k: v for k, v in call.params.items() if k != "\0id"}
        endpoint = f"{call.method} {call.path}"
        fingerprint = json.dumps(params, sort_keys=True)
        with self.lock:
            records = call.platform.idempotency
            for stale in [s for s, r in records.items()
                          if r["at"] < time.time() - IDEMPOTENCY_TTL_SECONDS]:
                del records[stale]
            record = records.get(slot)
            if record is not None:
                if not record["done"]:
                    raise Refusal(
                        409,
                        "There is currently another in-progress request using this "
                        f"Idempotent Key (that probably means you submitted twice, and the other "
                        f"request is still going through): {key}. Please try again later.",
                        kind="idempotency_error", code="idempotency_key_in_use")
                if record["endpoint"] != endpoint:
                    raise Refusal(
                        400,
                        "Keys for idempotent requests can only be used for the same endpoint "
                        f"they were first used for ('{record['endpoint']}' vs '{endpoint}'). "
                        f"Try using a key other than '{key}' if you meant to execute a "
                        "different request.", kind="idempotency_error")
                if record["fingerprint"] != fingerprint:
                    raise Refusal(
                        400,
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        kind="idempotency_error")
                return json_response(record["status"], record["body"],
                                     {"Idempotency-Key": key, "Idempotent-Replayed": "true"})
            records[slot] = {"endpoint": endpoint, "fingerprint": fingerprint, "done": False,
                             "at": time.time()}
        try:
            if self.before_execute is not None:
                self.before_execute()
            status, answer, executed = self.execute(call, handler)
        except BaseException:
            with self.lock:
                call.platform.idempotency.pop(slot, None)
            raise
        with self.lock:
            if executed:
                records[slot].update(done=True, status=status, body=answer)
            else:
                records.pop(slot, None)
        self.deliver_all(call.events)
        return json_response(status, answer, {"Idempotency-Key": key})

    # --- accounts and onboarding ---

    def create_account(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"type": None, "email": None, "country": None, "metadata": "metadata"})
        kind = required(p, "type")
        if kind != "standard":
            raise invalid("The local Stripe stand-in serves Standard accounts only (type=standard).",
                          param="type")
        if "country" in p and not re.fullmatch(r"[A-Za-z]{2}", p["country"]):
            raise invalid(f"Country '{p['country']}' is unknown. Try using a 2-character "
                          "alphanumeric country code instead, such as 'US', 'EG', or 'GB'.",
                          param="country")
        account = {
            "id": new_id("acct_", 16), "object": "account", "type": "standard",
            "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "email": p.get("email"), "country": p.get("country", "NL").upper(),
            "created": now(), "metadata": metadata(p), "_account": None,
        }
        call.platform.accounts[account["id"]] = account
        return public(account)

    def get_account(self, call: Call) -> dict[str, Any]:
        ident = call.params["\0id"]
        account = call.platform.accounts.get(ident)
        if account is None:
            raise no_access(call.platform.key, ident)
        return public(account)

    def create_account_link(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"account": None, "refresh_url": None, "return_url": None,
                                     "type": None, "collect": None})
        ident = required(p, "account")
        refresh_url = url(required(p, "refresh_url"), "refresh_url")
        return_url = url(required(p, "return_url"), "return_url")
        kind = required(p, "type")
        if kind not in ("account_onboarding", "account_update"):
            raise invalid("Invalid type: must be one of account_onboarding or account_update",
                          param="type")
        if kind != "account_onboarding":
            raise invalid("Standard accounts take account_onboarding links only.", param="type")
        if ident not in call.platform.accounts:
            raise no_access(call.platform.key, ident)
        token = secrets.token_urlsafe(24)
        created = now()
        link = {"object": "account_link", "url": f"{call.base}/connect/onboarding/{token}",
                "created": created, "expires_at": created + ACCOUNT_LINK_TTL_SECONDS}
        self.links[token] = (call.platform, dict(link, _account=ident, _refresh_url=refresh_url,
                                                  _return_url=return_url, _used=False))
        return link

    def onboarding_page(self, method: str, path: str, token: str) -> Response:
        with self.lock:
            found = self.links.get(token)
            if found is None:
                return html_response(404, "Link not found", "<h1>This onboarding link is not valid</h1>\n"
                                     "<p>Ask the site that sent you here for a new link.</p>")
            platform, link = found
            refresh = html.escape(link["_refresh_url"])
            if link["_used"] or now() >= link["expires_at"]:
                what = "has already been used" if link["_used"] else "has expired"
                return html_response(
                    410, "Link expired",
                    f"<h1>This onboarding link {what}</h1>\n<p>Onboarding links work once, "
                    f"for 5 minutes.</p>\n<p><a id=\"refresh\" href=\"{refresh}\">Get a new link</a></p>")
            account = platform.accounts[link["_account"]]
            if method == "GET":
                email = f" ({html.escape(account['email'])})" if account.get("email") else ""
                return html_response(
                    200, "Connect your account",
                    "<h1>Connect your Stripe account</h1>\n"
                    f"<p>Local Stripe stand-in: account <code>{account['id']}</code>{email}. "
                    "Nothing is asked here; completing onboarding enables charges.</p>\n"
                    f'<form method="post" action="{html.escape(path)}">\n'
                    '<button type="submit" id="complete-onboarding" name="complete" value="1">'
                    "Complete onboarding</button>\n</form>")
            if method != "POST":
                return html_response(404, "Not found", "<h1>Not found</h1>")
            link["_used"] = True
            account.update(charges_enabled=True, details_submitted=True, payouts_enabled=True)
            event = self.new_event(platform, account["id"], "account.updated", account)
            return_url = link["_return_url"]
        self.deliver_all([event])
        return redirect(return_url)

    # --- checkout ---

    LINE_ITEM = {
        "price_data": {"currency": None, "unit_amount": None,
                       "product_data": {"name": None, "description": None}},
        "quantity": None,
    }

    def create_session(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {
            "mode": None, "success_url": None, "cancel_url": None,
            "line_items": [self.LINE_ITEM], "payment_method_types": [None],
            "customer_email": None, "client_reference_id": None, "locale": None,
            "metadata": "metadata", "payment_intent_data": {"metadata": "metadata"},
            "expires_at": None,
        })
        mode = required(p, "mode")
        if mode not in ("payment", "setup", "subscription"):
            raise invalid("Invalid mode: must be one of payment, setup, or subscription", param="mode")
        if mode != "payment":
            raise invalid("The local Stripe stand-in serves mode=payment only.", param="mode")
        success_url = url(required(p, "success_url"), "success_url")
        cancel_url = url(p["cancel_url"], "cancel_url") if p.get("cancel_url") else None
        items = p.get("line_items") or []
        if not items:
            raise invalid("You must specify either `line_items` or `price` in `payment` mode.",
                          param="line_items")
        lines, currency, total = [], None, 0
        for index, item in enumerate(items):
            at = f"line_items[{index}]"
            data = item.get("price_data")
            if not data:
                raise invalid(f"Missing required param: {at}[price_data].", param=f"{at}[price_data]")
            item_currency = required(data, "currency", f"{at}[price_data][currency]").lower()
            if not re.fullmatch(r"[a-z]{3}", item_currency):
                raise invalid(f"Invalid currency: {item_currency}.", param=f"{at}[price_data][currency]")
            unit = amount(required(data, "unit_amount", f"{at}[price_data][unit_amount]"),
                          f"{at}[price_data][unit_amount]")
            name = required(data.get("product_data") or {}, "name", f"{at}[price_data][product_data][name]")
            quantity = amount(required(item, "quantity", f"{at}[quantity]"), f"{at}[quantity]")
            if currency is not None and item_currency != currency:
                raise invalid("All line items must use the same currency.",
                              param=f"{at}[price_data][currency]")
            currency = item_currency
            total += unit * quantity
            lines.append({"name": name, "unit_amount": unit, "quantity": quantity,
                          "amount_total": unit * quantity})
        if total > MAX_AMOUNT:
            raise invalid(f"The Checkout Session's total amount due must be no more than "
                          f"{money(MAX_AMOUNT, currency)}.", param="line_items", code="amount_too_large")
        # Without `payment_method_types`, Stripe offers the methods the account enabled
        # that suit the currency (dynamic payment methods): here card, and iDEAL in euros.
        methods = p.get("payment_method_types") or [
            m for m in PAYMENT_METHODS if currency in METHOD_CURRENCIES.get(m, (currency,))]
        for index, method in enumerate(methods):
            if method not in PAYMENT_METHODS:
                raise invalid(f"Invalid payment_method_types[{index}]: must be one of "
                              f"{', '.join(PAYMENT_METHODS)} (those the local stand-in serves)",
                              param=f"payment_method_types[{index}]")
            allowed = METHOD_CURRENCIES.get(method)
            if allowed and currency not in allowed:
                raise invalid(f"Invalid currency options `{currency}`. The payment method "
                              f"`{method}` only supports the following currencies: "
                              + ", ".join(f"`{c}`" for c in allowed) + ".",
                              param=f"payment_method_types[{index}]")
        account_id = call.connected()
        account = call.platform.accounts[account_id]
        if not account["charges_enabled"]:
            raise refused("Your account cannot currently make charges. To find out why charge "
                          "creation is currently disabled, look at the "
                          "`requirements.disabled_reason` property on this account "
                          f"(/v1/accounts/{account_id}).")
        created = now()
        expires_at = created + SESSION_TTL_SECONDS
        if p.get("expires_at"):
            expires_at = integer(p["expires_at"], "expires_at")
            if not 30 * 60 <= expires_at - created <= 24 * 60 * 60:
                raise invalid("The `expires_at` timestamp must be between 30 minutes and 24 hours "
                              "from Checkout Session creation.", param="expires_at")
        session = call.add({
            "id": new_id("cs_test_", 58), "object": "checkout.session", "mode": "payment",
            "status": "open", "payment_status": "unpaid",
            "amount_subtotal": total, "amount_total": total, "currency": currency,
            "payment_intent": None, "payment_method_types": list(dict.fromkeys(methods)),
            "metadata": metadata(p), "client_reference_id": p.get("client_reference_id"),
            "customer_email": p.get("customer_email"), "success_url": success_url,
            "cancel_url": cancel_url, "created": created,
            "expires_at": expires_at, "livemode": False,
            "_lines": lines, "_pi_metadata": metadata(p.get("payment_intent_data") or {}),
            "_error": None,
        })
        session["url"] = f"{call.base}/pay/{session['id']}"
        self.sessions[session["id"]] = call.platform
        return public(session)

    def expire_session(self, call: Call) -> dict[str, Any]:
        check_known(without_id(call.params), {})
        session = call.find("checkout.session", call.params["\0id"])
        if session["status"] != "open":
            raise refused("Only Checkout Sessions with a status in [\"open\"] can be expired. "
                          f"This Checkout Session has a status of \"{session['status']}\".",
                          param="session")
        session["status"] = "expired"
        intent = call.platform.objects.get(session["payment_intent"] or "")
        if intent is not None:  # a failed attempt's PaymentIntent is canceled with the session
            intent.update(status="canceled", cancellation_reason="abandoned")
            call.emit("payment_intent.canceled", intent)
        call.emit("checkout.session.expired", session)
        return public(session)

    def pay(self, call: Call, session: dict[str, Any], method: str, outcome: str) -> None:
        """What the hosted page's buttons do (under the lock)."""
        if session["status"] != "open":
            raise refused(f"This Checkout Session is no longer payable: its status is "
                          f"{session['status']}.", code="checkout_session_not_open")
        if method not in session["payment_method_types"]:
            raise invalid(f"The session does not take {method}: it takes "
                          f"{', '.join(session['payment_method_types'])}.", param="method")
        if outcome not in ("succeed", "fail"):
            raise invalid("outcome must be succeed or fail.", param="outcome")
        intent = call.platform.objects.get(session["payment_intent"] or "")
        if intent is None:
            intent = call.add({
                "id": new_id("pi_"), "object": "payment_intent", "amount": session["amount_total"],
                "currency": session["currency"], "status": "requires_payment_method",
                "metadata": dict(session["_pi_metadata"]), "latest_charge": None,
                "last_payment_error": None, "payment_method_types": session["payment_method_types"],
                "created": now(), "livemode": False,
            })
            session["payment_intent"] = intent["id"]
        if outcome == "fail":
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                            "message": DECLINED, "payment_method_type": method}
            session["_error"] = DECLINED
            call.emit("payment_intent.payment_failed", intent)
            return
        charge = call.add({
            "id": new_id("ch_"), "object": "charge", "amount": intent["amount"],
            "amount_captured": intent["amount"], "amount_refunded": 0, "refunded": False,
            "captured": True, "paid": True, "status": "succeeded", "disputed": False,
            "payment_intent": intent["id"], "currency": intent["currency"],
            "metadata": dict(intent["metadata"]), "payment_method_details": {"type": method},
            "created": now(), "livemode": False,
        })
        intent.update(status="succeeded", latest_charge=charge["id"], last_payment_error=None)
        session.update(status="complete", payment_status="paid", _error=None)
        call.emit("payment_intent.succeeded", intent)
        call.emit("charge.succeeded", charge)
        call.emit("checkout.session.completed", session)

    def pay_hook(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"method": None, "outcome": None})
        session = call.find("checkout.session", p["\0id"])
        self.pay(call, session, required(p, "method"), required(p, "outcome"))
        return public(session)

    def pay_page(self, method: str, path: str, ident: str, body: str) -> Response:
        with self.lock:
            platform = self.sessions.get(ident)
            session = platform.objects.get(ident) if platform else None
            if session is None:
                return html_response(404, "Not found", "<h1>This payment page does not exist</h1>")
            call = Call(self, platform, session["_account"], "POST", path, {}, "")
            events: list = []
            if method != "POST":
                answer = self.payment_form(path, session) if session["status"] == "open" \
                    else self.not_payable(session, 200)
            elif session["status"] != "open":
                answer = self.not_payable(session, 409)  # never a second charge
            else:
                form = parse_form(body)
                try:
                    self.pay(call, session, form.get("method", ""), form.get("outcome", ""))
                except Refusal as refusal:
                    session["_error"] = refusal.message
                    answer = redirect(path)
                else:
                    answer = redirect(path)
                    if session["status"] == "complete":
                        target = session["success_url"]
                        for template in ("{CHECKOUT_SESSION_ID}", "%7BCHECKOUT_SESSION_ID%7D"):
                            target = target.replace(template, session["id"])
                        answer = redirect(target)
                events = call.events
        self.deliver_all(events)
        return answer

    def payment_form(self, path: str, session: dict[str, Any]) -> Response:
        total = money(session["amount_total"], session["currency"])
        lines = "\n".join(
            f"<li>{html.escape(line['name'])} × {line['quantity']}: "
            f"{money(line['amount_total'], session['currency'])}</li>" for line in session["_lines"])
        error = ""
        if session["_error"]:
            error = (f'<p role="alert" id="payment-error">The payment failed: '
                     f"{html.escape(session['_error'])} Choose a method and try again.</p>\n")
        radios = "\n".join(
            f'<div><input type="radio" id="method-{m}" name="method" value="{m}"'
            f'{" checked" if i == 0 else ""}> <label for="method-{m}">{METHOD_NAMES[m]}</label></div>'
            for i, m in enumerate(session["payment_method_types"]))
        cancel = ""
        if session["cancel_url"]:
            cancel = f'<p><a id="cancel" href="{html.escape(session["cancel_url"])}">Cancel</a></p>'
        return html_response(
            200, f"Pay {total}",
            f'<h1>Pay <span id="amount">{total}</span></h1>\n'
            "<p>Local Stripe stand-in: no money moves.</p>\n"
            f'<ul aria-label="What you pay for">\n{lines}\n</ul>\n{error}'
            f'<form method="post" action="{html.escape(path)}">\n'
            f'<fieldset>\n<legend>Payment method</legend>\n{radios}\n</fieldset>\n'
            '<button type="submit" id="pay" name="outcome" value="succeed">Pay</button>\n'
            '<button type="submit" id="fail-payment" name="outcome" value="fail">Fail payment</button>\n'
            f"</form>\n{cancel}")

    def not_payable(self, session: dict[str, Any], status: int) -> Response:
        why = {"complete": "It has been paid.", "expired": "It has expired."}.get(session["status"], "")
        back = session["success_url"] if session["status"] == "complete" else session["cancel_url"]
        link = f'<p><a id="back" href="{html.escape(back)}">Return to the site</a></p>' if back else ""
        return html_response(status, "Not payable",
                             f'<h1>This payment is no longer payable</h1>\n<p id="status">{why}</p>\n{link}')

    # --- refunds and disputes ---

    def create_refund(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"payment_intent": None, "charge": None, "amount": None,
                                     "reason": None, "metadata": "metadata"})
        if not p.get("payment_intent") and not p.get("charge"):
            raise invalid("One of the following params should be provided for this request: "
                          "payment_intent or charge.")
        value = amount(p["amount"], "amount") if p.get("amount") else None
        if p.get("reason") and p["reason"] not in ("duplicate", "fraudulent", "requested_by_customer"):
            raise invalid("Invalid reason: must be one of duplicate, fraudulent, or "
                          "requested_by_customer", param="reason")
        call.connected()
        if p.get("payment_intent"):
            intent = call.find("payment_intent", p["payment_intent"], "payment_intent")
            if intent["status"] != "succeeded" or not intent["latest_charge"]:
                raise refused(f"This PaymentIntent ({intent['id']}) does not have a successful "
                              "charge to refund.", param="payment_intent")
            charge = call.platform.objects[intent["latest_charge"]]
            if p.get("charge") and p["charge"] != charge["id"]:
                raise refused(f"The charge {p['charge']} does not belong to {intent['id']}.",
                              param="charge")
        else:
            charge = call.find("charge", p["charge"], "charge")
        left = charge["amount"] - charge["amount_refunded"]
        if left <= 0:
            raise refused(f"Charge {charge['id']} has already been refunded.",
                          code="charge_already_refunded")
        value = left if value is None else value
        if value > left:
            currency = charge["currency"]
            what = ("unrefunded amount on charge" if charge["amount_refunded"] else "charge amount")
            raise refused(f"Refund amount ({money(value, currency)}) is greater than {what} "
                          f"({money(left, currency)})", param="amount", code="amount_too_large")
        refund = call.add({
            "id": new_id("re_"), "object": "refund", "amount": value, "charge": charge["id"],
            "payment_intent": charge["payment_intent"], "status": "succeeded",
            "currency": charge["currency"], "reason": p.get("reason"), "metadata": metadata(p),
            "created": now(),
        })
        charge["amount_refunded"] += value
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        call.emit("charge.refunded", charge)
        return public(refund)

    def create_dispute(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"charge": None, "reason": None, "amount": None})
        call.connected()
        charge = call.find("charge", required(p, "charge"), "charge")
        value = amount(p["amount"], "amount") if p.get("amount") else charge["amount"]
        dispute = call.add({
            "id": new_id("du_"), "object": "dispute", "amount": value, "charge": charge["id"],
            "payment_intent": charge["payment_intent"], "currency": charge["currency"],
            "status": "needs_response", "reason": p.get("reason", "general"), "created": now(),
            "livemode": False,
        })
        charge["disputed"] = True
        call.emit("charge.dispute.created", dispute)
        return public(dispute)

    def close_dispute(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"status": None})
        status = required(p, "status")
        if status not in ("won", "lost"):
            raise invalid("Invalid status: must be one of won or lost", param="status")
        dispute = call.find("dispute", p["\0id"])
        if dispute["status"] in ("won", "lost"):
            raise refused(f"This dispute is already closed ({dispute['status']}).", param="status")
        dispute["status"] = status
        call.emit("charge.dispute.closed", dispute)
        return public(dispute)

    # --- events and webhooks ---

    def create_webhook_endpoint(self, call: Call) -> dict[str, Any]:
        p = call.params
        check_known(without_id(p), {"url": None, "enabled_events": [None], "connect": None,
                                     "description": None, "api_version": None,
                                     "metadata": "metadata", "secret": None})
        target = url(required(p, "url"), "url")
        events = required(p, "enabled_events")
        connect = boolean(p["connect"], "connect") if "connect" in p else False
        endpoint = {
            "id": new_id("we_"), "object": "webhook_endpoint", "url": target,
            "enabled_events": list(events), "secret": p.get("secret") or new_id("whsec_", 32),
            "status": "enabled", "application": None, "api_version": p.get("api_version"),
            "description": p.get("description"), "metadata": metadata(p),
            "created": now(), "livemode": False, "_connect": connect,
        }
        call.platform.endpoints.append(endpoint)
        return public(endpoint)

    def new_event(self, platform: Platform, account: str | None, kind: str,
                  obj: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Records an event (under the lock) and names the endpoints it goes to."""
        targets = [e for e in platform.endpoints
                   if e["_connect"] == (account is not None)
                   and ("*" in e["enabled_events"] or kind in e["enabled_events"])]
        event: dict[str, Any] = {
            "id": new_id("evt_"), "object": "event", "api_version": API_VERSION,
            "created": now(), "type": kind, "livemode": False,
            "pending_webhooks": len(targets), "request": {"id": None, "idempotency_key": None},
            "data": {"object": public(obj)},
        }
        if account is not None:
            event["account"] = account
        event["_body"] = json.dumps(public(event))
        event["_account"] = account
        event["_deliveries"] = []
        platform.objects[event["id"]] = event
        return event, [dict(url=e["url"], secret=e["secret"], id=e["id"]) for e in targets]

    def deliver_all(self, events) -> None:
        """Delivers events in order, outside the lock (a receiver may call back in)."""
        for event, targets in events:
            for target in targets:
                self.deliver(event, target, first=True)

    def deliver(self, event: dict[str, Any], target: dict[str, Any], first: bool) -> int:
        body = event["_body"]
        stamp = now()
        signature = hmac.new(target["secret"].encode(), f"{stamp}.{body}".encode(),
                             hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            target["url"], data=body.encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Stripe-Signature": f"t={stamp},v1={signature}",
                     "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as answer:
                status, error = answer.status, None
        except urllib.error.HTTPError as failure:
            status, error = failure.code, None
        except Exception as failure:  # refused, timed out: recorded, never raised
            status, error = 0, repr(failure)
        with self.lock:
            event["_deliveries"].append({"endpoint": target["id"], "url": target["url"],
                                         "status": status, "error": error, "at": stamp})
            if first and 200 <= status < 300:
                event["pending_webhooks"] = max(0, event["pending_webhooks"] - 1)
        return status

    def event_deliveries(self, call: Call) -> dict[str, Any]:
        event = call.find("event", call.params["\0id"])
        return {"event": public(event), "deliveries": copy.deepcopy(event["_deliveries"])}

    def resend(self, call: Call, ident: str) -> Response:
        with self.lock:
            event = call.find("event", ident)
            kind, account = event["type"], event["_account"]
            targets = [dict(url=e["url"], secret=e["secret"], id=e["id"])
                       for e in call.platform.endpoints
                       if e["_connect"] == (account is not None)
                       and ("*" in e["enabled_events"] or kind in e["enabled_events"])]
        return json_response(200, {"delivered": [self.deliver(event, t, first=False) for t in targets]})

    def list_events(self, call: Call) -> dict[str, Any]:
        """`GET /v1/events`: the account's events, newest first; `type` filters (as
        Stripe's list, without paging: `has_more` is always false)."""
        wanted = call.params.get("type")
        found = [e for e in call.platform.objects.values()
                 if e.get("object") == "event" and e["_account"] == call.account
                 and (wanted is None or e["type"] == wanted)]
        found.sort(key=lambda e: e["created"], reverse=True)
        return {"object": "list", "url": "/v1/events", "has_more": False,
                "data": [public(e) for e in found]}

    def getter(self, kind: str):
        def get(call: Call) -> dict[str, Any]:
            return public(call.find(kind, call.params["\0id"]))
        return get


# --- helpers ----------------------------------------------------------------------------


def without_id(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "\0id"}


def read_body(environ) -> str:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""


def api_key(environ) -> str:
    """The platform's secret key from `Authorization` (Bearer, or Basic's user name)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    key = ""
    if header.startswith("Bearer "):
        key = header[len("Bearer "):].strip()
    elif header.startswith("Basic "):
        try:
            key = base64.b64decode(header[len("Basic "):]).decode().split(":", 1)[0]
        except Exception:
            key = "?"
    elif header:
        key = "?"
    if not key:
        raise Refusal(
            401,
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
            "or we can help at https://support.stripe.com/.",
            headers={"WWW-Authenticate": 'Bearer realm="Stripe"'})
    if not re.fullmatch(r"sk_test_[A-Za-z0-9_]+", key):
        raise Refusal(401, f"Invalid API Key provided: {masked(key) if len(key) > 12 else key}",
                      headers={"WWW-Authenticate": 'Bearer realm="Stripe"'})
    return key


def mount(stripe: Callable, other: Callable, prefix: str = "/stripe") -> Callable:
    """WSGI: requests under `prefix` go to `stripe` (the prefix moved to SCRIPT_NAME), the
    rest to `other`."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == prefix or path.startswith(prefix + "/"):
            environ = dict(environ)
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
            environ["PATH_INFO"] = path[len(prefix):] or "/"
            return stripe(environ, start_response)
        return other(environ, start_response)

    return app


if __name__ == "__main__":
    import argparse
    import socketserver
    from wsgiref.simple_server import WSGIServer, make_server

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=12111)
    args = parser.parse_args()
    make_server(args.host, args.port, LocalStripe(), server_class=Server).serve_forever()
