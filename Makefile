# Escalator: the commands a newcomer needs. Every target finds a JDK 21+ by itself (hack/find-jdk.sh).
SHELL := /bin/bash
JAVA_HOME := $(shell hack/find-jdk.sh)
export JAVA_HOME
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
CRDS := environments.escalator.dev-v1.yml baremetalhosts.escalator.dev-v1.yml

.PHONY: help test it demo run crds bench build clean chart-files image e2e

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

test: ## Unit, real-endpoint and mock-API tests (needs only a JDK 21+ and Maven)
	$(MVN) $(MVN_FLAGS) verify

it: ## Alert-rule tests (promtool) and integration tests against real Prometheus, Alertmanager, OpenStack and ipmi_sim (Debian packages, installed if missing)
	monitoring_env="$$(hack/start-monitoring.sh)" && eval "$$(grep '^export ' <<<"$$monitoring_env")" && \
	  openstack_env="$$(hack/start-openstack.sh)" && eval "$$(grep '^export ' <<<"$$openstack_env")" && \
	  promtool check rules monitoring/escalator-rules.yml && \
	  (cd monitoring && promtool test rules escalator-rules.test.yml) && \
	  $(MVN) $(MVN_FLAGS) test -pl operator -am -Dgroups=integration -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false

demo: ## Run the operator on an in-process Kubernetes API against a local service it breaks and repairs
	$(MVN) $(MVN_FLAGS) -q test-compile -pl operator -am -DskipTests
	$(MVN) $(MVN_FLAGS) -q exec:java -pl operator -Dexec.mainClass=dev.escalator.operator.demo.Demo

run: ## Run the operator against the cluster of the current kubeconfig
	$(MVN) $(MVN_FLAGS) -q compile -pl operator -am
	$(MVN) $(MVN_FLAGS) -q exec:java -pl operator -Dexec.mainClass=dev.escalator.operator.Main

crds: ## Regenerate crds/ from the Java classes
	$(MVN) $(MVN_FLAGS) -q process-classes -pl operator -am
	for crd in $(CRDS); do \
	  cp operator/target/classes/META-INF/fabric8/$$crd crds/$$crd && cp crds/$$crd helm/escalator/crds/$$crd || exit 1; \
	done
	@echo "crds/ and the Helm chart's copies regenerated: $(CRDS)"

bench: ## Benchmark probes and status writes; writes docs/benchmarks.md
	$(MVN) $(MVN_FLAGS) -q test-compile -pl operator -am -DskipTests
	$(MVN) $(MVN_FLAGS) -q exec:java -pl operator -Dexec.mainClass=dev.escalator.operator.bench.Benchmark -Dexec.args="docs/benchmarks.md"

build: ## Build the operator jar
	$(MVN) $(MVN_FLAGS) package -DskipTests

clean:
	$(MVN) $(MVN_FLAGS) -q clean

chart-files: ## Copy monitoring/'s alert rules, dashboard and Grafana alerts into the Helm chart (a test fails on drift)
	mkdir -p helm/escalator/files
	cp monitoring/escalator-rules.yml monitoring/grafana/escalator-dashboard.json monitoring/grafana/escalator-alerts.yaml helm/escalator/files/
	@echo "helm/escalator/files/ now holds monitoring/'s files"

IMAGE ?= escalator:dev
image: ## Build the operator image (IMAGE=name:tag); needs a running Docker engine
	@command -v docker >/dev/null 2>&1 || { echo "make image: no docker command here; install Docker (or build elsewhere: docker build -t $(IMAGE) .)" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make image: docker cannot reach a Docker engine (docker info failed): start one, or build where one runs" >&2; exit 1; }
	docker build -t $(IMAGE) .

e2e: ## End-to-end on a throwaway kind cluster: image, helm install, break an example, watch the repair, uninstall (needs docker, kind, kubectl, helm)
	hack/e2e-kind.sh
