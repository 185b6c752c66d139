package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static SSLContext tls;

  private final HttpProbe probe = new HttpProbe();
  private final FakeHttpServer server = FakeHttpServer.http();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void certificate(@TempDir Path dir) throws Exception {
    tls = SelfSignedTls.serverContext(dir);
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  private static HttpProbeSpec spec(String url) {
    HttpProbeSpec s = new HttpProbeSpec();
    s.url = url;
    return s;
  }

  @Test
  void passesOnA2xxAndSaysWhatItAsked() {
    server.answer(204, "");
    ProbeResult r = probe.probe(spec(server.url("/healthz")), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.message()).isEqualTo("GET " + server.url("/healthz") + ": status 204");
    assertThat(server.lastRequest().method()).isEqualTo("GET");
  }

  @Test
  void redirectIsAnAnswerWithinTheDefaultRangeAndIsNotFollowed() {
    server.answer(new FakeHttpServer.Answer(302, "", Map.of("Location", "http://127.0.0.1:1/elsewhere"), null));
    assertThat(probe.probe(spec(server.url("/")), TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void failsOnAStatusOutsideTheDefaultRange() {
    server.answer(500, "boom");
    ProbeResult r = probe.probe(spec(server.url("/")), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).endsWith("status 500, expected 200-399");
  }

  @Test
  void expectStatusReplacesTheDefaultRange() {
    HttpProbeSpec s = spec(server.url("/"));
    s.expectStatus = List.of(503);
    server.answer(503, "maintenance");
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
    server.answer(200, "ok");
    ProbeResult r = probe.probe(s, TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).endsWith("status 200, expected one of [503]");
  }

  @Test
  void bodyMustContainAMatchOfTheRegex() {
    HttpProbeSpec s = spec(server.url("/"));
    s.bodyRegex = "\"status\"\\s*:\\s*\"UP\"";
    server.answer(200, "{\"status\": \"UP\"}");
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
    server.answer(200, "{\"status\": \"DOWN\"}");
    ProbeResult r = probe.probe(s, TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).contains("body does not match");
  }

  @Test
  void sendsRequestHeadersAndNeverEchoesTheirValues() {
    HttpProbeSpec s = spec(server.url("/"));
    s.headers = Map.of("Authorization", "Bearer s3cr3t-token", "X-Env", "prod");
    s.expectStatus = List.of(200);
    server.answer(401, "");
    ProbeResult r = probe.probe(s, TIMEOUT);
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer s3cr3t-token");
    assertThat(server.lastRequest().header("X-Env")).isEqualTo("prod");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).doesNotContain("s3cr3t");
  }

  @Test
  void aHeaderTheClientRefusesIsAnErrorThatDoesNotRevealTheValue() {
    HttpProbeSpec s = spec(server.url("/"));
    s.headers = Map.of("Host", "s3cr3t.example");
    ProbeResult r = probe.probe(s, TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(r.message()).contains("Host").doesNotContain("s3cr3t");
  }

  @Test
  void expectHeadersMatchEachHeaderByRegex() {
    HttpProbeSpec s = spec(server.url("/"));
    s.expectHeaders = Map.of("X-Version", "^2\\.", "content-type", "json");
    server.answer(FakeHttpServer.Answer.of(200, "{}")
        .withHeaders(Map.of("X-Version", "2.4.1", "Content-Type", "application/json")));
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.PASS);

    server.answer(FakeHttpServer.Answer.of(200, "{}")
        .withHeaders(Map.of("X-Version", "1.9-secret-build", "Content-Type", "application/json")));
    ProbeResult mismatch = probe.probe(s, TIMEOUT);
    assertThat(mismatch.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(mismatch.message()).contains("response header X-Version does not match ^2\\.")
        .doesNotContain("secret-build");

    server.answer(FakeHttpServer.Answer.of(200, "{}").withHeaders(Map.of("Content-Type", "application/json")));
    ProbeResult missing = probe.probe(s, TIMEOUT);
    assertThat(missing.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(missing.message()).contains("response header X-Version missing");
  }

  @Test
  void headMethodIsSent() {
    HttpProbeSpec s = spec(server.url("/"));
    s.method = "HEAD";
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
    assertThat(server.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void aTargetThatDoesNotAnswerInTimeFails() {
    server.answer(new FakeHttpServer.Answer(200, "late", Map.of(), release));
    ProbeResult r = probe.probe(spec(server.url("/slow")), Duration.ofMillis(300));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).isEqualTo("GET " + server.url("/slow") + ": no response within 300ms");
  }

  @Test
  void connectionRefusedFails() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProbeResult r = probe.probe(spec("http://127.0.0.1:" + port + "/"), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).isEqualTo("GET http://127.0.0.1:" + port + "/: connection refused");
  }

  @Test
  void unresolvableHostFails() {
    ProbeResult r = probe.probe(spec("http://no-such-host.invalid/"), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).endsWith("cannot resolve host");
  }

  @Test
  void messageLeavesOutCredentialsAndQueryOfTheUrl() {
    server.answer(500, "");
    String url = server.url("/x?token=s3cr3t").replace("http://", "http://user:pw@");
    ProbeResult r = probe.probe(spec(url), TIMEOUT);
    assertThat(r.message()).doesNotContain("s3cr3t").doesNotContain("pw").contains(server.url("/x"));
  }

  @Test
  void sameOutcomeGivesTheSameMessage() {
    server.answer(503, "");
    assertThat(probe.probe(spec(server.url("/")), TIMEOUT))
        .isEqualTo(probe.probe(spec(server.url("/")), TIMEOUT));
  }

  @Test
  void anInvalidRegexIsAnErrorNotAFailure() {
    HttpProbeSpec s = spec(server.url("/"));
    s.bodyRegex = "([unclosed";
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void anInvalidUrlIsAnError() {
    assertThat(probe.probe(spec("not a url"), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(probe.probe(spec("ftp://example.com/"), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
  }

  @Test
  void selfSignedHttpsForAnotherNamePassesOnlyWithInsecureSkipVerify() {
    try (FakeHttpServer https = FakeHttpServer.https(tls)) {
      HttpProbeSpec s = spec(https.url("/"));
      s.insecureSkipVerify = true;
      ProbeResult trusting = probe.probe(s, TIMEOUT);
      assertThat(trusting.outcome()).isEqualTo(Outcome.PASS);
      assertThat(trusting.message()).startsWith("GET https://127.0.0.1:");

      s.insecureSkipVerify = false;
      ProbeResult verifying = probe.probe(s, TIMEOUT);
      assertThat(verifying.outcome()).isEqualTo(Outcome.FAIL);
      assertThat(verifying.message()).contains("TLS handshake failed");
      assertThat(https.requests()).hasSize(1);
    }
  }
}
