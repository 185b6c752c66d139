# syntax=docker/dockerfile:1
# The Escalator operator image: built with Maven on a JDK 21, shipped on a small Debian with a
# jlink'd Java runtime (only the modules the operator uses), iputils-ping for icmp checks, and a
# non-root user. Nothing is written outside /tmp, so it runs with a read-only root filesystem (the
# Helm chart mounts an emptyDir at /tmp).
#
#   make image                       # docker build -t $(IMAGE) .
#   docker build -t escalator:dev .

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY operator/pom.xml operator/
COPY operator/src operator/src
# The Maven repository is a build cache, not a layer: rebuilds do not download it again.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q -pl operator -am package -Dmaven.test.skip=true \
 && mvn -B -ntp -q -pl operator dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp operator/target/escalator-operator-*.jar /out/escalator.jar
COPY hack/jlink-runtime.sh hack/
RUN hack/jlink-runtime.sh /out/escalator.jar /out/lib /out/jre

FROM ${BASE_IMAGE}
# ping for icmp checks (unprivileged ICMP sockets: the chart sets net.ipv4.ping_group_range);
# CA certificates for https checks and webhooks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iputils-ping ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/jre /opt/java
COPY --from=build /out/lib /app/lib
COPY --from=build /out/escalator.jar /app/escalator.jar
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.io.tmpdir=/tmp"
# The chart's runAsUser; numeric, so runAsNonRoot can check it.
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/app/escalator.jar:/app/lib/*", "dev.escalator.operator.Main"]
