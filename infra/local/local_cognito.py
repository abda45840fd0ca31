"""The local Cognito keeps Cognito's promises.

moto's Cognito (5.2.5) is laxer than Cognito in ways Portico's security rests on: it lets
anyone change any attribute (immutable ones included, with nothing but an access token),
issues tokens to disabled users on refresh, lacks RevokeToken, lets anyone sign up, takes
any code for a forgotten password, gives every user the same TOTP secret and takes any
TOTP code, changes a phone number or email at once without verifying it, signs in by an
unverified phone number (the first user holding it), lets a challenge session be answered
for another user or with another challenge, and never invokes a trigger. A local test
could then prove none of the rules that keep tenants apart.

`LocalCognito` is WSGI middleware around moto's app. It reads each Cognito request
(`X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`) and, per operation,

- answers it itself (`ANSWERS`: what moto lacks or gets wrong as a whole),
- checks it before moto runs it (`CHECKS`: refusals, and sign-in names made canonical),
- completes it after moto ran it (`FOLLOW_UPS`: revocations, codes, sessions).

Three of moto's model methods are patched where the rule lives inside moto's own flow:
which user a name means (`find_user`), an ID token's claims (`create_id_token`, for the
pre-token-generation trigger) and signing a user out (`sign_out`). All of it reads and
writes moto's own state: pools, clients, users, sessions and tokens.

Errors are what the AWS SDKs parse into typed errors: HTTP 400 with `__type` and
`message`, the names and messages Cognito uses.

Locally, codes Cognito would send (email, SMS) are printed on stderr and handed back in a
response header, as moto does for forgotten passwords.

moto has no user pool domain either: `POST /oauth2/token` serves the OAuth 2.0
client-credentials grant for the pool's app clients, as the domain's token endpoint does
(`token_endpoint`), signing access tokens with the pool's key; and an app client's OAuth
scopes must be declared by a resource server, as Cognito requires (`check_app_client`).
"""

from __future__ import annotations

import base64
import hmac
import io
import json
import secrets
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from moto.cognitoidp.models import (
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    UserStatus,
    cognitoidp_backends,
)
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from joserfc import jwt

COGNITO_TARGET = "AWSCognitoIdentityProviderService."
# Local only: provisioning registers a pool's pre-token-generation trigger here.
TRIGGERS_PATH = "/_portico/triggers"
# The response headers that carry a code Cognito would send by email or SMS.
FORGOT_PASSWORD_CODE_HEADER = "x-moto-forgot-password-confirmation-code"
VERIFICATION_CODE_HEADER = "x-portico-local-verification-code"
# Cognito's own limit on a trigger's run.
TRIGGER_TIMEOUT_SECONDS = 5
TOTP_STEP_SECONDS = 30
# The attributes that verify by a code, and can name a user at sign-in.
VERIFIABLE = ("email", "phone_number")
# Claims a pre-token-generation trigger cannot change (Cognito's developer guide).
PROTECTED_CLAIMS = {
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat",
    "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use",
}
PASSWORD_FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")


# --- errors -----------------------------------------------------------------------------


class Refusal(JsonRESTError):
    """A Cognito error: moto renders it as Cognito does (400, `__type`, `message`)."""

    def __init__(self, kind: str, message: str):
        super().__init__(kind, message)


def not_authorized(message: str) -> Refusal:
    return Refusal("NotAuthorizedException", message)


def invalid_parameter(message: str) -> Refusal:
    return Refusal("InvalidParameterException", message)


def code_mismatch(message: str = "Invalid verification code provided, please try again.") -> Refusal:
    return Refusal("CodeMismatchException", message)


# --- what the local Cognito keeps per login -----------------------------------------------


@dataclass
class Login:
    """What Cognito keeps for a user and moto does not."""

    totp_secret: str | None = None  # verified: the one sign-in codes are checked against
    totp_pending: str | None = None  # associated, not yet verified
    totp_last_step: int = -1  # a TOTP code counts once (RFC 6238 §5.2)
    pending: dict[str, str] = field(default_factory=dict)  # attribute -> new value
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # attribute -> (code, value)


def login_of(user: CognitoIdpUser) -> Login:
    state = getattr(user, "portico_login", None)
    if state is None:
        state = Login()
        user.portico_login = state
    return state


# Guards the check-then-record of a TOTP code: two racing sign-ins cannot both use one.
TOTP_GUARD = threading.Lock()
# Sessions this endpoint handed out, with the challenge each one answers.
SESSIONS: dict[str, str] = {}
# The `jti` of every access token revoked, for Cognito's message on a later use.
REVOKED: set[str] = set()
# (account, user pool id) -> the URL standing in for the PreTokenGeneration Lambda.
TRIGGERS: dict[tuple[str, str], str] = {}

# The request being handled on this thread (moto serves each request on its own thread).
_current = threading.local()


# --- finding pools, clients, users, sessions and tokens ------------------------------------


def backends():
    """Every Cognito backend of every moto account and region."""
    for regions in list(cognitoidp_backends.values()):
        for region, backend in list(regions.items()):
            if region != "global":
                yield backend


def pool_of_client(client_id: str):
    """The pool and app client of `client_id`, in whatever account holds it."""
    for backend in backends():
        for pool in list(backend.user_pools.values()):
            client = pool.clients.get(client_id)
            if client is not None:
                return pool, client
    return None, None


def pool_in(call: "Call") -> CognitoIdpUserPool:
    """The pool an administrator's call names (its account, the region in its id)."""
    pool_id = str(call.body.get("UserPoolId", ""))
    backend = cognitoidp_backends[call.account][pool_id.split("_")[0] or "us-east-1"]
    return backend.describe_user_pool(pool_id)


def verified(user: CognitoIdpUser, attribute: str) -> bool:
    return str(user.attribute_lookup.get(f"{attribute}_verified", "")).lower() == "true"


def find_user(pool: CognitoIdpUserPool, name: str) -> CognitoIdpUser | None:
    """The user `name` means: their username, or an email address or phone number the
    pool signs in with, whose verified holder wins. Signing in (and recovering a
    password) takes a verified value only; administrators' calls also find an unverified
    one, as moto did."""
    user = pool.users.get(name)
    if user is not None:
        return user
    holders = [
        (holder, attribute)
        for attribute in pool.extended_config.get("UsernameAttributes") or []
        for holder in list(pool.users.values())
        if holder.attribute_lookup.get(attribute) == name
    ]
    for holder, attribute in holders:
        if verified(holder, attribute):
            return holder
    if getattr(_current, "signing_in", False) or not holders:
        return None
    return holders[0][0]


def sign_in_user(pool: CognitoIdpUserPool, name: str) -> CognitoIdpUser | None:
    with signing_in():
        return find_user(pool, name)


@contextmanager
def signing_in():
    before = getattr(_current, "signing_in", False)
    _current.signing_in = True
    try:
        yield
    finally:
        _current.signing_in = before


def unknown_user(client) -> Refusal:
    """What Cognito answers for a name that signs no one in: with the client's
    PreventUserExistenceErrors, the same as a wrong password."""
    if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
        return not_authorized("Incorrect username or password.")
    return Refusal("UserNotFoundException", "User does not exist.")


def claims_of(token: str) -> dict[str, Any]:
    """A JWT's claims, unverified (only to read `jti` and `origin_jti` of our own tokens)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def live_access_token(token: str):
    """The pool, app client id and user of an access token Cognito still honours."""
    for backend in backends():
        for pool in list(backend.user_pools.values()):
            found = pool.access_tokens.get(token)
            if found is None:
                continue
            client_id, username = found
            user = find_user(pool, username)
            if user is None:
                raise not_authorized("User does not exist.")
            if not user.enabled:
                raise not_authorized("User is disabled.")
            if claims_of(token).get("exp", 0) <= time.time():
                raise not_authorized("Access Token has expired")
            return pool, client_id, user
    if claims_of(token).get("jti") in REVOKED:
        raise not_authorized("Access Token has been revoked")
    raise not_authorized("Invalid Access Token")


def session_user(session: str):
    """The backend, pool and user a challenge session was handed out for."""
    for backend in backends():
        found = backend.sessions.get(session)
        if found is not None:
            username, pool = found
            user = find_user(pool, username)
            if user is not None:
                return backend, pool, user
    raise not_authorized("Invalid session for the user, session is expired.")


def new_session(backend, pool: CognitoIdpUserPool, user: CognitoIdpUser, challenge: str) -> str:
    session = secrets.token_urlsafe(48)
    backend.sessions[session] = (user.username, pool)
    SESSIONS[session] = challenge
    return session


# --- tokens -------------------------------------------------------------------------------


def revoke_access_tokens(pool: CognitoIdpUserPool, which: Callable[[str, str], bool]) -> None:
    """Revokes the pool's access tokens for which `which(token, username)` holds."""
    for token, (_, username) in list(pool.access_tokens.items()):
        if which(token, username):
            pool.access_tokens.pop(token, None)
            REVOKED.add(claims_of(token).get("jti", ""))


def of_user(pool: CognitoIdpUserPool, user: CognitoIdpUser | None, fallback: str):
    """Whether a name stored with a token means `user` (tokens keep the name signed in
    with; an administrator names the user by username)."""

    def same(stored: str) -> bool:
        if user is None:
            return stored == fallback
        return find_user(pool, stored) is user

    return same


def sign_out(self: CognitoIdpUserPool, username: str) -> None:
    """GlobalSignOut, AdminUserGlobalSignOut: every refresh and access token of the user,
    whatever name they signed in with."""
    same = of_user(self, find_user(self, username), username)
    for token, entry in list(self.refresh_tokens.items()):
        if entry is not None and same(entry[1]):
            self.refresh_tokens[token] = None
    revoke_access_tokens(self, lambda _token, stored: same(stored))


CognitoIdpUserPool.sign_out = sign_out
CognitoIdpUserPool._get_user = find_user


# --- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s) -----------------------------------------------


def new_totp_secret() -> str:
    """A fresh secret, base32 without padding, as Cognito's SecretCode is."""
    return base64.b32encode(secrets.token_bytes(32)).decode().rstrip("=")


def totp_code(secret: str, step: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{number:06d}"


def totp_step(secret: str, code: str) -> int | None:
    """The time step `code` belongs to: this one or an adjacent one, as Cognito accepts."""
    now = int(time.time()) // TOTP_STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp_code(secret, step), str(code)):
            return step
    return None


def use_totp_code(user: CognitoIdpUser, code: str) -> None:
    """The SOFTWARE_TOKEN_MFA answer: the user's own secret, each code once."""
    login = login_of(user)
    if login.totp_secret is None:
        raise Refusal("SoftwareTokenMFANotFoundException", "Software Token MFA does not exist for the user.")
    step = totp_step(login.totp_secret, code)
    if step is None:
        raise code_mismatch("Invalid code or auth state for the user.")
    with TOTP_GUARD:
        if step <= login.totp_last_step:
            raise Refusal("ExpiredCodeException", "Your software token has already been used once.")
        login.totp_last_step = step


# --- codes sent by email or SMS ------------------------------------------------------------


def mask(attribute: str, value: str) -> str:
    if attribute == "phone_number":
        return "+" + "*" * max(len(value) - 5, 0) + value[-4:]
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def send_code(call: "Call", user: CognitoIdpUser, attribute: str, value: str) -> dict[str, str]:
    """Issues a verification code for `value` of `attribute`, "sends" it (stderr, and a
    response header) and returns Cognito's CodeDeliveryDetails."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    login_of(user).codes[attribute] = (code, value)
    print(f"verification code for {attribute} of {user.username}: {code}", file=sys.stderr, flush=True)
    call.headers[VERIFICATION_CODE_HEADER] = code
    return {
        "Destination": mask(attribute, value),
        "DeliveryMedium": "SMS" if attribute == "phone_number" else "EMAIL",
        "AttributeName": attribute,
    }


def send_password_code(call: "Call", user: CognitoIdpUser) -> None:
    """A password-reset code, in moto's form (the one ForgotPassword hands back)."""
    code = f"moto-confirmation-code:{secrets.randbelow(900_000) + 100_000}"
    user.confirmation_code = code
    print(f"password reset code of {user.username}: {code}", file=sys.stderr, flush=True)
    call.headers[FORGOT_PASSWORD_CODE_HEADER] = code


# --- attributes ----------------------------------------------------------------------------


def check_writable(client, names: list[str]) -> None:
    """A client writes only its WriteAttributes (all of them if it declares none)."""
    allowed = client.extended_config.get("WriteAttributes")
    if allowed is not None and any(name not in allowed for name in names):
        raise not_authorized("A client attempted to write unauthorized attribute")


def mutable(pool: CognitoIdpUserPool, name: str) -> bool:
    declared = pool.schema_attributes.get(name)
    if declared is not None:
        return bool(declared.mutable)
    standard = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA.get(name)
    return bool(standard["Mutable"]) if standard else True


def check_mutable(pool: CognitoIdpUserPool, names: list[str]) -> None:
    """An immutable attribute is set when the user is created, never after."""
    fixed = [name for name in names if not mutable(pool, name)]
    if fixed:
        lines = "\n".join(f"user.{name}: Attribute cannot be updated." for name in fixed)
        raise invalid_parameter(f"Invalid user attributes: {lines}\n")


def check_alias_free(pool: CognitoIdpUserPool, user: CognitoIdpUser, attribute: str, value: str) -> None:
    """A value another user of the pool has verified is theirs to sign in with."""
    for other in list(pool.users.values()):
        if other is not user and other.attribute_lookup.get(attribute) == value and verified(other, attribute):
            raise Refusal("AliasExistsException", f"An account with the given {attribute} already exists.")


def change_attributes(call: "Call", pool: CognitoIdpUserPool, user: CognitoIdpUser, attributes) -> list:
    """Applies an attribute update as a pool with UserAttributeUpdateSettings does: a new
    email or phone number waits, unverified, until its code comes back, unless the same
    update sets `<attribute>_verified` to true (an administrator vouching). Returns the
    CodeDeliveryDetails of the codes sent."""
    wanted = {str(a.get("Name", "")): str(a.get("Value", "")) for a in attributes}
    settings = pool.extended_config.get("UserAttributeUpdateSettings") or {}
    wait = settings.get("AttributesRequireVerificationBeforeUpdate") or []
    login = login_of(user)
    sent = []
    for attribute in VERIFIABLE:
        if attribute not in wanted:
            continue
        value = wanted.pop(attribute)
        vouched = wanted.pop(f"{attribute}_verified", None)
        if value == user.attribute_lookup.get(attribute):
            if vouched is not None:
                wanted[f"{attribute}_verified"] = vouched
            continue
        if str(vouched).lower() == "true":
            check_alias_free(pool, user, attribute, value)
            wanted[attribute], wanted[f"{attribute}_verified"] = value, "true"
            login.pending.pop(attribute, None)
            login.codes.pop(attribute, None)
        elif attribute in wait:
            login.pending[attribute] = value
            sent.append(send_code(call, user, attribute, value))
        else:
            wanted[attribute], wanted[f"{attribute}_verified"] = value, "false"
    if wanted:
        user.update_attributes([{"Name": k, "Value": v} for k, v in wanted.items()])
    return sent


def delete_attributes(user: CognitoIdpUser, names: list[str]) -> None:
    user.delete_attributes(names)
    for name in names:
        login_of(user).pending.pop(name, None)
        login_of(user).codes.pop(name, None)


# --- the pre-token-generation trigger -----------------------------------------------------

# The request-path opener ignores proxy settings: the trigger is on this machine.
_TRIGGER_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def trigger_event(pool: CognitoIdpUserPool, client_id: str, user: CognitoIdpUser) -> dict[str, Any]:
    """The version-1 event Cognito sends the PreTokenGeneration Lambda."""
    attributes = dict(user.attribute_lookup)
    attributes["cognito:user_status"] = getattr(user.status, "value", str(user.status))
    groups = sorted(user.groups, key=lambda g: g.group_name)
    return {
        "version": "1",
        "triggerSource": getattr(_current, "trigger_source", None) or "TokenGeneration_Authentication",
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": {
            "userAttributes": attributes,
            "groupConfiguration": {
                "groupsToOverride": [g.group_name for g in groups],
                "iamRolesToOverride": [g.role_arn for g in groups if g.role_arn],
                "preferredRole": None,
            },
        },
        "response": {"claimsOverrideDetails": None},
    }


def run_trigger(url: str, event: dict[str, Any]) -> dict[str, Any]:
    """POSTs the event; a failure fails the sign-in, as a failing Lambda does."""
    request = urllib.request.Request(
        url, data=json.dumps(event).encode(), headers={"content-type": "application/json"}, method="POST"
    )
    try:
        with _TRIGGER_OPENER.open(request, timeout=TRIGGER_TIMEOUT_SECONDS) as answer:
            body = answer.read()
    except urllib.error.HTTPError as e:
        raise Refusal("UserLambdaValidationException", f"PreTokenGeneration failed with error {e.code} {e.reason}.")
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise Refusal("UserLambdaValidationException", f"PreTokenGeneration failed with error {reason}.")
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise Refusal("InvalidLambdaResponseException", "Unrecognizable lambda output")
    return answer


def override_claims(claims: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    response = answer.get("response")
    details = response.get("claimsOverrideDetails") if isinstance(response, dict) else None
    if details is None:
        return claims
    add = (details.get("claimsToAddOrOverride") or {}) if isinstance(details, dict) else None
    suppress = (details.get("claimsToSuppress") or []) if isinstance(details, dict) else None
    if not isinstance(add, dict) or not isinstance(suppress, list):
        raise Refusal("InvalidLambdaResponseException", "Unrecognizable lambda output")
    for name, value in add.items():
        if name not in PROTECTED_CLAIMS:
            claims[name] = value
    # Suppressed wins over added (Cognito's rule).
    for name in suppress:
        if name not in PROTECTED_CLAIMS:
            claims.pop(name, None)
    return claims


_moto_create_id_token = CognitoIdpUserPool.create_id_token


def create_id_token(self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str):
    """moto's ID token, with the pool's pre-token-generation trigger applied before it is
    signed (here: re-signed with the pool's key)."""
    token, expires_in = _moto_create_id_token(self, client_id, username, origin_jti)
    url = TRIGGERS.get((self.account_id, self.id))
    if url is None:
        return token, expires_in
    answer = run_trigger(url, trigger_event(self, client_id, find_user(self, username)))
    claims = override_claims(claims_of(token), answer)
    self.id_tokens.pop(token, None)
    token = jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, self.json_web_key)
    self.id_tokens[token] = (client_id, username)
    return token, expires_in


CognitoIdpUserPool.create_id_token = create_id_token


# --- the operations ------------------------------------------------------------------------


@dataclass
class Call:
    """One Cognito request: its operation, JSON body and moto account; `headers` are
    added to the response."""

    operation: str
    body: dict[str, Any]
    account: str
    headers: dict[str, str] = field(default_factory=dict)

    def mapping(self, key: str) -> dict[str, Any]:
        """A map member of the request (AuthParameters, ChallengeResponses), changed in place."""
        value = self.body.setdefault(key, {})
        if not isinstance(value, dict):
            raise Refusal("SerializationException", f"{key} must be a map")
        return value

    def attributes(self) -> list[dict[str, Any]]:
        """UserAttributes: `[{"Name": …, "Value": …}]`."""
        value = self.body.get("UserAttributes") or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise Refusal("SerializationException", "UserAttributes must be a list of attributes")
        return value

    def attribute_names(self) -> list[str]:
        """UserAttributeNames, or the names of UserAttributes."""
        if "UserAttributeNames" not in self.body:
            return [str(a.get("Name", "")) for a in self.attributes()]
        value = self.body.get("UserAttributeNames") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Refusal("SerializationException", "UserAttributeNames must be a list of names")
        return value


def sign_in_name(call: Call, pool, client, params: dict[str, Any]) -> None:
    """A password sign-in names a user by username or verified email or phone number;
    moto is handed the username, so every token of theirs names them the same way."""
    user = sign_in_user(pool, str(params.get("USERNAME", "")))
    if user is None:
        raise unknown_user(client)
    params["USERNAME"] = user.username
    if user.enabled and user.status == UserStatus.RESET_REQUIRED and user.password == params.get("PASSWORD"):
        raise Refusal("PasswordResetRequiredException", "Password reset required for the user")


def check_refresh(pool, client, params: dict[str, Any]) -> None:
    entry = pool.refresh_tokens.get(str(params.get("REFRESH_TOKEN", "")))
    if entry is None:
        raise not_authorized("Refresh Token has been revoked")
    client_id, username, _ = entry
    if client_id != client.id:
        raise not_authorized("Invalid Refresh Token")
    user = find_user(pool, username)
    if user is None:
        raise not_authorized("User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")


def check_initiate_auth(call: Call) -> None:
    flow = str(call.body.get("AuthFlow", ""))
    params = call.mapping("AuthParameters")
    if call.operation == "AdminInitiateAuth":
        pool = pool_in(call)
        client = pool.clients.get(str(call.body.get("ClientId", "")))
    else:
        pool, client = pool_of_client(str(call.body.get("ClientId", "")))
    if client is None:
        return  # moto answers ResourceNotFoundException
    allowed = client.extended_config.get("ExplicitAuthFlows")
    if allowed is not None and flow not in REFRESH_FLOWS and f"ALLOW_{flow}" not in allowed and flow not in allowed:
        raise invalid_parameter(f"{flow} flow not enabled for this client")
    if flow == "USER_SRP_AUTH":
        # moto takes any SRP proof, so any password: refusing is the only safe answer.
        raise invalid_parameter("USER_SRP_AUTH is not supported by the local Cognito (it cannot check an SRP proof)")
    if flow in PASSWORD_FLOWS:
        sign_in_name(call, pool, client, params)
    elif flow in REFRESH_FLOWS:
        check_refresh(pool, client, params)


def check_challenge_answer(call: Call) -> None:
    """A challenge is answered with the session handed out for it, for the user it was
    handed out to; a TOTP code is checked against that user's own secret."""
    challenge = str(call.body.get("ChallengeName", ""))
    responses = call.mapping("ChallengeResponses")
    if challenge == "PASSWORD_VERIFIER":
        raise invalid_parameter("USER_SRP_AUTH is not supported by the local Cognito (it cannot check an SRP proof)")
    session = str(call.body.get("Session", ""))
    _, pool, user = session_user(session)
    expected = SESSIONS.get(session, "")
    if challenge == "MFA_SETUP":
        # Only after VerifySoftwareToken: the session it handed back.
        if expected != "MFA_SETUP:verified":
            raise not_authorized("Invalid session for the user.")
    elif challenge != expected:
        raise not_authorized("Invalid session for the user.")
    if sign_in_user(pool, str(responses.get("USERNAME", ""))) is not user:
        raise not_authorized("Invalid session for the user.")
    responses["USERNAME"] = user.username
    if challenge == "SOFTWARE_TOKEN_MFA":
        use_totp_code(user, str(responses.get("SOFTWARE_TOKEN_MFA_CODE", "")))
    elif challenge == "SMS_MFA":
        # The local Cognito sends no SMS, so no code can be right.
        raise code_mismatch("Invalid code or auth state for the user.")


def remember_session(call: Call, answer: dict[str, Any]) -> None:
    if answer.get("Session") and answer.get("ChallengeName"):
        SESSIONS[answer["Session"]] = answer["ChallengeName"]


def check_sign_up(call: Call) -> None:
    pool, _ = pool_of_client(str(call.body.get("ClientId", "")))
    if pool is not None and (pool.extended_config.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise not_authorized("SignUp is not permitted for this user pool")


def check_confirm_sign_up(call: Call) -> None:
    pool, _ = pool_of_client(str(call.body.get("ClientId", "")))
    user = find_user(pool, str(call.body.get("Username", ""))) if pool is not None else None
    if user is not None and user.status != UserStatus.UNCONFIRMED:
        status = getattr(user.status, "value", user.status)
        raise not_authorized(f"User cannot be confirmed. Current status is {status}")


def check_forgot_password(call: Call) -> None:
    pool, _ = pool_of_client(str(call.body.get("ClientId", "")))
    user = sign_in_user(pool, str(call.body.get("Username", ""))) if pool is not None else None
    if user is not None:
        call.body["Username"] = user.username


def check_confirm_forgot_password(call: Call) -> None:
    pool, client = pool_of_client(str(call.body.get("ClientId", "")))
    if pool is None:
        return  # moto answers ResourceNotFoundException
    user = sign_in_user(pool, str(call.body.get("Username", "")))
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            raise code_mismatch()
        raise Refusal("UserNotFoundException", "User does not exist.")
    if user.confirmation_code is None:
        raise Refusal("ExpiredCodeException", "Invalid code provided, please request a code again.")
    if not hmac.compare_digest(str(user.confirmation_code), str(call.body.get("ConfirmationCode", ""))):
        raise code_mismatch()
    pool.backend._validate_password(pool.id, str(call.body.get("Password", "")))
    call.body["Username"] = user.username


def password_confirmed(call: Call, _answer) -> None:
    pool, _ = pool_of_client(str(call.body.get("ClientId", "")))
    user = find_user(pool, str(call.body.get("Username", "")))
    if user is not None and user.status == UserStatus.RESET_REQUIRED:
        user.status = UserStatus.CONFIRMED


def password_reset(call: Call, _answer) -> None:
    """AdminResetUserPassword: Cognito sends the user a code to choose a new password."""
    pool = pool_in(call)
    user = find_user(pool, str(call.body.get("Username", "")))
    if user is not None and user.status == UserStatus.RESET_REQUIRED:
        send_password_code(call, user)


def user_disabled(call: Call, _answer) -> None:
    """AdminDisableUser revokes the user's access tokens; refresh then fails while the
    user stays disabled."""
    pool = pool_in(call)
    username = str(call.body.get("Username", ""))
    same = of_user(pool, find_user(pool, username), username)
    revoke_access_tokens(pool, lambda _token, stored: same(stored))


# Operations answered here entirely.


def update_user_attributes(call: Call) -> dict[str, Any]:
    pool, client_id, user = live_access_token(str(call.body.get("AccessToken", "")))
    names = call.attribute_names()
    check_writable(pool.clients[client_id], names)
    check_mutable(pool, names)
    return {"CodeDeliveryDetailsList": change_attributes(call, pool, user, call.attributes())}


def admin_update_user_attributes(call: Call) -> dict[str, Any]:
    pool = pool_in(call)
    user = pool.backend.admin_get_user(pool.id, str(call.body.get("Username", "")))
    check_mutable(pool, call.attribute_names())
    change_attributes(call, pool, user, call.attributes())
    return {}


def delete_user_attributes(call: Call) -> dict[str, Any]:
    pool, client_id, user = live_access_token(str(call.body.get("AccessToken", "")))
    names = call.attribute_names()
    check_writable(pool.clients[client_id], names)
    check_mutable(pool, names)
    delete_attributes(user, names)
    return {}


def admin_delete_user_attributes(call: Call) -> dict[str, Any]:
    pool = pool_in(call)
    user = pool.backend.admin_get_user(pool.id, str(call.body.get("Username", "")))
    names = call.attribute_names()
    check_mutable(pool, names)
    delete_attributes(user, names)
    return {}


def verifiable(call: Call) -> str:
    attribute = str(call.body.get("AttributeName", ""))
    if attribute not in VERIFIABLE:
        raise invalid_parameter(f"Invalid attribute name: {attribute} cannot be verified")
    return attribute


def get_user_attribute_verification_code(call: Call) -> dict[str, Any]:
    """A new code for the value waiting to be verified (or the unverified current one)."""
    _, _, user = live_access_token(str(call.body.get("AccessToken", "")))
    attribute = verifiable(call)
    value = login_of(user).pending.get(attribute) or user.attribute_lookup.get(attribute)
    if not value:
        raise invalid_parameter(f"The user has no {attribute} to verify")
    return {"CodeDeliveryDetails": send_code(call, user, attribute, value)}


def verify_user_attribute(call: Call) -> dict[str, Any]:
    """The right code makes the value it was sent for the attribute's value, verified."""
    pool, _, user = live_access_token(str(call.body.get("AccessToken", "")))
    attribute = verifiable(call)
    login = login_of(user)
    issued = login.codes.get(attribute)
    if issued is None or not hmac.compare_digest(issued[0], str(call.body.get("Code", ""))):
        raise code_mismatch()
    value = issued[1]
    if value != (login.pending.get(attribute) or user.attribute_lookup.get(attribute)):
        raise Refusal("ExpiredCodeException", "Invalid code provided, please request a code again.")
    check_alias_free(pool, user, attribute, value)
    user.update_attributes([{"Name": attribute, "Value": value}, {"Name": f"{attribute}_verified", "Value": "true"}])
    login.pending.pop(attribute, None)
    login.codes.pop(attribute, None)
    return {}


def revoke_token(call: Call) -> dict[str, Any]:
    """Revokes a refresh token and the access tokens issued from it."""
    token = str(call.body.get("Token", ""))
    pool, client = pool_of_client(str(call.body.get("ClientId", "")))
    if client is None:
        raise Refusal("UnauthorizedException", "Invalid client id")
    if not client.extended_config.get("EnableTokenRevocation", True):
        raise Refusal("UnsupportedOperationException", "Token revocation is not enabled for this client")
    if token.count(".") == 2:
        raise Refusal("UnsupportedTokenTypeException", "Only refresh tokens can be revoked")
    entry = pool.refresh_tokens.get(token)
    if entry is None:
        # Unknown or revoked already: nothing to do (RFC 7009 §2.2).
        return {}
    client_id, _, origin_jti = entry
    if client_id != client.id:
        raise Refusal("UnauthorizedException", "The token was not issued to this client")
    pool.refresh_tokens[token] = None
    revoke_access_tokens(pool, lambda access, _user: claims_of(access).get("origin_jti") == origin_jti)
    return {}


def global_sign_out(call: Call) -> dict[str, Any]:
    pool, _, user = live_access_token(str(call.body.get("AccessToken", "")))
    pool.sign_out(user.username)
    return {}


def totp_user(call: Call):
    """The user an AssociateSoftwareToken / VerifySoftwareToken call is for: the access
    token's, or a sign-in session's while it sets up MFA."""
    if call.body.get("AccessToken"):
        _, _, user = live_access_token(str(call.body["AccessToken"]))
        return None, None, user
    session = str(call.body.get("Session", ""))
    backend, pool, user = session_user(session)
    if SESSIONS.get(session) != "MFA_SETUP":
        raise not_authorized("Invalid session for the user.")
    return backend, pool, user


def associate_software_token(call: Call) -> dict[str, Any]:
    backend, pool, user = totp_user(call)
    secret = new_totp_secret()
    login_of(user).totp_pending = secret
    answer = {"SecretCode": secret}
    if backend is not None:
        answer["Session"] = new_session(backend, pool, user, "MFA_SETUP")
    return answer


def verify_software_token(call: Call) -> dict[str, Any]:
    backend, pool, user = totp_user(call)
    login = login_of(user)
    step = totp_step(login.totp_pending, str(call.body.get("UserCode", ""))) if login.totp_pending else None
    if step is None:
        raise Refusal("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    with TOTP_GUARD:
        login.totp_secret, login.totp_pending, login.totp_last_step = login.totp_pending, None, step
    user.token_verified = True
    answer = {"Status": "SUCCESS"}
    if backend is not None:
        answer["Session"] = new_session(backend, pool, user, "MFA_SETUP:verified")
    return answer


# --- app clients and the OAuth 2.0 token endpoint ------------------------------------------

TOKEN_PATH = "/oauth2/token"
# Scopes of the user pool itself, not of a resource server (a user's, never a machine's).
USER_POOL_SCOPES = {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
ACCESS_TOKEN_SECONDS = 3600


def resource_server_scopes(pool: CognitoIdpUserPool) -> set[str]:
    return {
        f"{server.identifier}/{scope['ScopeName']}"
        for server in pool.resource_servers.values()
        for scope in (server.scopes or [])
    }


def check_app_client(call: Call) -> None:
    """Cognito refuses an app client whose OAuth scopes no resource server declares, and a
    client-credentials client without a secret or with a user's scopes; moto takes both."""
    pool = pool_in(call)
    scopes = [str(s) for s in call.body.get("AllowedOAuthScopes") or []]
    declared = resource_server_scopes(pool)
    for scope in scopes:
        if scope not in declared and scope not in USER_POOL_SCOPES:
            raise Refusal("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")
    if "client_credentials" in (call.body.get("AllowedOAuthFlows") or []):
        if call.operation == "CreateUserPoolClient" and not call.body.get("GenerateSecret"):
            raise Refusal("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.")
        if any(scope in USER_POOL_SCOPES for scope in scopes):
            raise Refusal("InvalidOAuthFlowException", "client_credentials flow can not be selected with user pool scopes.")


def oauth_error(start_response, status: int, error: str):
    data = json.dumps({"error": error}).encode()
    reason = {400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed"}.get(status, "")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data))), ("Cache-Control", "no-store")],
    )
    return [data]


def token_endpoint(environ, start_response):
    """`POST /oauth2/token`: the client-credentials grant of the pool's domain, which moto
    lacks. The client authenticates by HTTP Basic or `client_id`/`client_secret` in the
    form; the access token carries Cognito's claims for the grant and is signed with the
    pool's key (the one its JWKS publishes), so the gateway verifies it as in AWS."""
    if environ.get("REQUEST_METHOD") != "POST":
        return oauth_error(start_response, 405, "invalid_request")
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return oauth_error(start_response, 400, "invalid_request")
    form = urllib.parse.parse_qs(read_body(environ).decode("utf-8", "replace"), keep_blank_values=True)
    field_of = lambda name: (form.get(name) or [""])[0]  # noqa: E731
    if field_of("grant_type") != "client_credentials":
        error = "invalid_request" if not field_of("grant_type") else "unsupported_grant_type"
        return oauth_error(start_response, 400, error)
    client_id, secret = field_of("client_id"), field_of("client_secret")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode()
            client_id, _, secret = decoded.partition(":")
        except (ValueError, UnicodeDecodeError):
            return oauth_error(start_response, 401, "invalid_client")
    pool, client = pool_of_client(client_id) if client_id else (None, None)
    if client is None or not client.generate_secret or not hmac.compare_digest(secret.encode(), client.secret.encode()):
        return oauth_error(start_response, 401, "invalid_client")
    config = client.extended_config
    if "client_credentials" not in (config.get("AllowedOAuthFlows") or []) or not config.get("AllowedOAuthFlowsUserPoolClient"):
        return oauth_error(start_response, 400, "unauthorized_client")
    allowed = [str(s) for s in config.get("AllowedOAuthScopes") or []]
    requested = field_of("scope").split() if field_of("scope").strip() else allowed
    if not requested or any(scope not in allowed for scope in requested):
        return oauth_error(start_response, 400, "invalid_scope")
    now = int(time.time())
    claims = {
        "sub": client.id,
        "token_use": "access",
        "scope": " ".join(requested),
        "auth_time": now,
        "iss": f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}",
        "exp": now + ACCESS_TOKEN_SECONDS,
        "iat": now,
        "version": 2,
        "jti": secrets.token_hex(16),
        "client_id": client.id,
    }
    token = jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, pool.json_web_key)
    data = json.dumps({"access_token": token, "expires_in": ACCESS_TOKEN_SECONDS, "token_type": "Bearer"}).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data))), ("Cache-Control", "no-store")],
    )
    return [data]


ANSWERS: dict[str, Callable[[Call], dict[str, Any]]] = {
    "UpdateUserAttributes": update_user_attributes,
    "AdminUpdateUserAttributes": admin_update_user_attributes,
    "DeleteUserAttributes": delete_user_attributes,
    "AdminDeleteUserAttributes": admin_delete_user_attributes,
    "GetUserAttributeVerificationCode": get_user_attribute_verification_code,
    "VerifyUserAttribute": verify_user_attribute,
    "RevokeToken": revoke_token,
    "GlobalSignOut": global_sign_out,
    "AssociateSoftwareToken": associate_software_token,
    "VerifySoftwareToken": verify_software_token,
}

CHECKS: dict[str, Callable[[Call], None]] = {
    "InitiateAuth": check_initiate_auth,
    "AdminInitiateAuth": check_initiate_auth,
    "RespondToAuthChallenge": check_challenge_answer,
    "AdminRespondToAuthChallenge": check_challenge_answer,
    "SignUp": check_sign_up,
    "ConfirmSignUp": check_confirm_sign_up,
    "ForgotPassword": check_forgot_password,
    "ConfirmForgotPassword": check_confirm_forgot_password,
    "CreateUserPoolClient": check_app_client,
    "UpdateUserPoolClient": check_app_client,
}

FOLLOW_UPS: dict[str, Callable[[Call, dict[str, Any]], None]] = {
    "InitiateAuth": remember_session,
    "AdminInitiateAuth": remember_session,
    "RespondToAuthChallenge": remember_session,
    "AdminRespondToAuthChallenge": remember_session,
    "ConfirmForgotPassword": password_confirmed,
    "AdminResetUserPassword": password_reset,
    "AdminDisableUser": user_disabled,
}

# Operations that sign a user in: they find users by verified values only.
SIGN_IN_OPERATIONS = {
    "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge",
    "ForgotPassword", "ConfirmForgotPassword",
}


def trigger_source(call: Call) -> str:
    """The triggerSource of the ID token this call may issue."""
    if call.operation in ("InitiateAuth", "AdminInitiateAuth"):
        if call.body.get("AuthFlow") in REFRESH_FLOWS:
            return "TokenGeneration_RefreshTokens"
        return "TokenGeneration_Authentication"
    if call.body.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        return "TokenGeneration_NewPasswordChallenge"
    return "TokenGeneration_Authentication"


@contextmanager
def handling(call: Call):
    _current.signing_in = call.operation in SIGN_IN_OPERATIONS
    _current.trigger_source = trigger_source(call)
    try:
        yield
    finally:
        _current.signing_in = False
        _current.trigger_source = None


# --- the middleware --------------------------------------------------------------------------


def read_body(environ) -> bytes:
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    return stream.read(int(length)) if length.isdigit() else stream.read()


def with_body(environ, body: bytes):
    changed = dict(environ)
    changed["wsgi.input"] = io.BytesIO(body)
    changed["CONTENT_LENGTH"] = str(len(body))
    return changed


def respond(start_response, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
    data = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))]
        + list((headers or {}).items()),
    )
    return [data]


class LocalCognito:
    """WSGI middleware: Cognito's rules around moto's Cognito (see the module's doc)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == TRIGGERS_PATH:
            return self.register_trigger(environ, start_response)
        if environ.get("PATH_INFO") == TOKEN_PATH:
            return token_endpoint(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(COGNITO_TARGET):
            return self.app(environ, start_response)
        raw = read_body(environ)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self.app(with_body(environ, raw), start_response)
        account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        call = Call(target[len(COGNITO_TARGET) :], body, account)
        try:
            return self.handle(call, environ, start_response)
        except JsonRESTError as e:
            return respond(start_response, e.code, {"__type": e.error_type, "message": e.message})

    def handle(self, call: Call, environ, start_response):
        if call.body.get("AccessToken"):
            live_access_token(str(call.body["AccessToken"]))
        answer = ANSWERS.get(call.operation)
        if answer is not None:
            with handling(call):
                return respond(start_response, 200, answer(call), call.headers)
        check = CHECKS.get(call.operation)
        with handling(call):
            if check is not None:
                check(call)
            status, headers, out = self.moto(environ, call.body)
        follow_up = FOLLOW_UPS.get(call.operation)
        if follow_up is not None and status.startswith("2"):
            follow_up(call, json.loads(out or b"{}"))
        start_response(status, headers + list(call.headers.items()))
        return [out]

    def moto(self, environ, body: dict[str, Any]):
        """Runs moto on `body`: its status line, headers and body."""
        answer: dict[str, Any] = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return lambda _data: None

        result = self.app(with_body(environ, json.dumps(body).encode()), start_response)
        try:
            out = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], out

    def register_trigger(self, environ, start_response):
        """`POST /_portico/triggers` {"user_pool_id", "pre_token_generation": URL or null},
        for the account of the `x-moto-account-id` header (moto's default without it)."""
        if environ.get("REQUEST_METHOD") != "POST":
            return respond(start_response, 405, {"message": "POST a registration"})
        try:
            body = json.loads(read_body(environ) or b"{}")
            pool_id = str(body["user_pool_id"])
            url = body.get("pre_token_generation")
        except (ValueError, KeyError, TypeError):
            return respond(start_response, 400, {"message": "expected {user_pool_id, pre_token_generation}"})
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            return respond(start_response, 400, {"message": "pre_token_generation is an http(s) URL or null"})
        account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        try:
            cognitoidp_backends[account][pool_id.split("_")[0]].describe_user_pool(pool_id)
        except Exception:  # noqa: BLE001 - an unknown region or pool: either way, no such pool
            return respond(start_response, 404, {"message": f"no user pool {pool_id} in account {account}"})
        if url is None:
            TRIGGERS.pop((account, pool_id), None)
        else:
            TRIGGERS[(account, pool_id)] = url
        return respond(start_response, 200, {})
