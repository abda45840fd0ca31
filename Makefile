# Portico — the two commands are `make dev` and `make test`; everything else is here too.
# Whatever a fresh machine lacks (moto, cfn-lint, the SAM translator, schemathesis,
# cargo-lambda, SAM CLI) is installed into project-local virtualenvs at pinned versions;
# the web app's packages into web/node_modules (pinned by web/package-lock.json); the
# browser for its tests from Debian's packages (chromium, chromium-driver).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
MOTO_VERSION := 5.2.5
CFN_LINT_VERSION := 1.58.0
SAM_TRANSLATOR_VERSION := 1.115.0
SCHEMATHESIS_VERSION := 4.32.5
CARGO_LAMBDA_VERSION := 1.9.2
SAM_VERSION := 1.170.0
STACK_NAME ?= portico

export CARGO_TERM_COLOR ?= never

.PHONY: help dev test journeys-and-fuzz web web-deps web-check web-test chromium lint fmt fmt-check layout stripe-stand-in-test clippy unit integration fuzz cfn-lint stack-size build package deploy bench mail env token back-office-token totp reports-rebuild generate venv tools clean

help:
	@echo "make dev      run the whole portal locally on http://127.0.0.1:3000"
	@echo "make test     fmt, clippy -D warnings, unit + integration tests, fuzzing, template lint"
	@echo "make lint     fmt check, the layout rules, clippy, template lint and stack sizes"
	@echo "make fuzz     schemathesis against a fresh local stack (part of make test)"
	@echo "make web      build the member portal (web/dist), served at / by make dev"
	@echo "make web-test the browser journeys in Debian's Chromium (part of make test)"
	@echo "make build    cargo lambda build --release --arm64"
	@echo "make package  zip the Lambda artifact (target/lambda/portico.zip)"
	@echo "make deploy   sam build + sam deploy, then publish the web app (needs AWS credentials)"
	@echo "make bench    init time, package sizes, web app size and first render (prints figures)"
	@echo "make mail     emails sent by the local stack"
	@echo "make token EMAIL=…  an ID token for a local sign-in"
	@echo "make totp EMAIL=…   the current code of a demo login's authenticator app"
	@echo "make env      export lines pointing cargo lambda at the running local stack"
	@echo "make reports-rebuild [TENANT=…] [WRITE=1]  recompute KPI report cells; show the drift"
	@echo "make generate write what the route table generates: docs/openapi.json, infra/stacks/*.yaml, events/api/*.json,"
	@echo "             and the web app's API types from the document (web/src/api/schema.d.ts)"

# --- project-local Python tools -------------------------------------------------------

# The marker names the pinned versions: changing a pin reinstalls.
VENV_MARKER := $(VENV)/.installed-moto$(MOTO_VERSION)-cfnlint$(CFN_LINT_VERSION)-samt$(SAM_TRANSLATOR_VERSION)-st$(SCHEMATHESIS_VERSION)

$(VENV_MARKER):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet 'moto[server]==$(MOTO_VERSION)' 'cfn-lint==$(CFN_LINT_VERSION)' \
		'aws-sam-translator==$(SAM_TRANSLATOR_VERSION)' 'schemathesis==$(SCHEMATHESIS_VERSION)'
	rm -f $(VENV)/.installed*
	touch $@

venv: $(VENV_MARKER)

$(TOOLS)/cargo-lambda/.installed:
	$(PYTHON) -m venv $(TOOLS)/cargo-lambda
	$(TOOLS)/cargo-lambda/bin/pip install --quiet 'cargo-lambda==$(CARGO_LAMBDA_VERSION)'
	touch $@

$(TOOLS)/sam/.installed:
	$(PYTHON) -m venv $(TOOLS)/sam
	$(TOOLS)/sam/bin/pip install --quiet 'aws-sam-cli==$(SAM_VERSION)'
	touch $@

tools: $(TOOLS)/cargo-lambda/.installed $(TOOLS)/sam/.installed

# --- the member portal (web/) -----------------------------------------------------------

WEB_DEPS := web/node_modules/.installed

$(WEB_DEPS): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "the web app needs Node.js 20+ and npm" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web-deps: $(WEB_DEPS)

web: $(WEB_DEPS)
	cd web && npm run --silent build

# The web app's API types (web/src/api/schema.d.ts) are generated from docs/openapi.json
# and committed: this fails while they differ from what the document generates now. And
# the journeys type-check against them (Playwright itself only strips the types).
web-check: $(WEB_DEPS)
	cd web && npm run --silent check-generated && npm run --silent check-tests

# The browser the journeys drive: Debian's Chromium, never one Playwright downloads.
SUDO := $(shell test "$$(id -u)" = 0 || echo sudo)
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }
	@chromium --version

# The browser journeys against a fresh `make dev` stack on a free port (docs/web.md).
web-test: venv web chromium
	cargo run --quiet --locked -p portico-local -- web-test

# --- the two commands -----------------------------------------------------------------

dev: venv web
	cargo run --quiet -p portico-local -- dev

test: venv fmt-check layout stripe-stand-in-test clippy unit integration web-check journeys-and-fuzz cfn-lint stack-size

# The browser journeys and the fuzzer each start a stack of their own and spend much of
# their time waiting on it: on two cores they run side by side (each one's output is
# printed whole when it ends).
journeys-and-fuzz: venv web chromium
	$(MAKE) --no-print-directory -j2 --output-sync=target web-test fuzz

# --- pieces ---------------------------------------------------------------------------

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

# No import circle in the domain crate; admin/ and portal/ import neither each other.
layout:
	$(PYTHON) infra/check_layout.py

# The local Stripe keeps Stripe's promises and refusals (infra/local/local_stripe.py);
# it runs under moto's interpreter, as moto_server.py mounts it.
stripe-stand-in-test: venv
	$(VENV)/bin/python -m unittest -q infra/local/test_local_stripe.py

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
	cargo test --workspace --locked --lib --bins

# The integration tests start their own moto on a free port and stop it when they end.
integration: venv
	cargo test --locked -p portico-tests

# schemathesis against its own fresh local stack: the API must keep its OpenAPI document.
fuzz: venv
	cargo run --quiet --locked -p portico-local -- fuzz

cfn-lint: venv
	$(VENV)/bin/cfn-lint infra/template.yaml infra/stacks/*.yaml infra/waf.yaml

# Every stack's resources after SAM's transform, against a budget well under 500.
stack-size: venv
	$(VENV)/bin/python infra/check_stack_size.py

lint: venv fmt-check layout clippy cfn-lint stack-size

# The OpenAPI document, the areas' stacks and the API fixtures, from the route table;
# then the web app's API types, from the document.
generate: $(WEB_DEPS)
	cargo run --quiet --locked -p portico-local -- generate
	cd web && npm run --silent generate

mail:
	@cargo run --quiet -p portico-local -- mail

# The current code of a demo login's authenticator app (the admin's, the operator's).
totp:
	@test -n "$(EMAIL)" || { echo "usage: make -s totp EMAIL=admin@northwind.test" >&2; exit 2; }
	@cargo run --quiet -p portico-local -- totp "$(EMAIL)"

env:
	@cargo run --quiet -p portico-local -- env

token:
	@test -n "$(EMAIL)" || { echo "usage: make -s token EMAIL=carla@harbor.test" >&2; exit 2; }
	@cargo run --quiet -p portico-local -- token "$(EMAIL)"

# An access token of the demo back office's integration (client-credentials grant).
back-office-token:
	@cargo run --quiet -p portico-local -- back-office-token

# Recomputes a tenant's KPI report cells from its records and shows the drift; WRITE=1
# stores the recomputation. The running `make dev` stack's demo tenant by default; with
# PORTICO_TABLE (and AWS credentials) set, that table (docs/reports.md).
reports-rebuild:
	@cargo run --quiet -p portico-local -- reports-rebuild $(if $(WRITE),--write) $(TENANT)

# --- AWS ------------------------------------------------------------------------------

build: $(TOOLS)/cargo-lambda/.installed
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(TOOLS)/cargo-lambda/bin:$$PATH" cargo lambda build --release --arm64 -p portico-functions --bin portico

package: build
	cd target/lambda/portico && rm -f ../portico.zip && $(PYTHON) -c "import zipfile; z = zipfile.ZipFile('../portico.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9); z.write('bootstrap'); z.close()"
	@ls -l target/lambda/portico.zip

deploy: $(TOOLS)/sam/.installed $(TOOLS)/cargo-lambda/.installed web
	PATH="$(CURDIR)/$(TOOLS)/cargo-lambda/bin:$$PATH" SAM_CLI_TELEMETRY=0 $(TOOLS)/sam/bin/sam build --template infra/template.yaml --beta-features
	SAM_CLI_TELEMETRY=0 $(TOOLS)/sam/bin/sam deploy --stack-name $(STACK_NAME) --capabilities CAPABILITY_IAM --resolve-s3 --guided
	$(TOOLS)/sam/bin/python infra/publish_web.py $(STACK_NAME)

bench:
	./infra/bench/run.sh

clean:
	cargo clean
	rm -rf $(VENV) $(TOOLS) .local web/node_modules web/dist
