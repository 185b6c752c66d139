package dev.escalator.operator.openstack.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.openstack.sim.Faults.Match;
import dev.escalator.operator.openstack.sim.Faults.Outage;
import dev.escalator.operator.openstack.sim.Faults.ServerDeath;
import dev.escalator.operator.testing.SettableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ServerResponseException;
import org.openstack4j.model.compute.RebootType;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.options.PortListOptions;

/** Each fault the simulator injects, as openstack4j sees it, and the counters that tell what happened. */
class FaultInjectionTest {
  private static final String BOOT = "POST /compute/v2.1/servers";

  private final SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private OpenStackSimulator sim;
  private OSClientV3 os;
  private Network net;

  @BeforeEach
  void start() {
    sim = new OpenStackSimulator(clock).start();
    os = Clients.member(sim);
    net = os.networking().network().create(Builders.network().name("env-net").build());
    os.networking().subnet().create(Builders.subnet().name("env-subnet").networkId(net.getId()).ipVersion(IPVersionType.V4)
        .cidr("10.30.0.0/24").enableDHCP(true).build());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private ServerCreate server(String name) {
    return Builders.server().name(name).flavor("42").image(sim.imageId()).networks(List.of(net.getId())).build();
  }

  @Test
  void aServiceDownAnswers503WhileTheOthersWork() {
    sim.faults().serviceDown(Service.COMPUTE);

    assertThatThrownBy(() -> os.compute().servers().list())
        .isInstanceOf(ServerResponseException.class)
        .satisfies(e -> assertThat(((ServerResponseException) e).getStatus()).isEqualTo(503));
    assertThat(os.networking().network().list()).isNotEmpty();
    assertThat(sim.requests("GET /compute/v2.1/servers/detail")).isEqualTo(1);

    sim.faults().serviceUp(Service.COMPUTE);
    assertThat(os.compute().servers().list()).isEmpty();
  }

  @Test
  void aServiceThatDropsConnectionsIsAConnectionErrorToTheClient() {
    sim.faults().serviceDown(Service.NETWORK, Outage.CONNECTION_RESET);

    assertThatThrownBy(() -> os.networking().network().list()).isInstanceOf(ConnectionException.class);
    // A fresh connection that drops after the request was sent is not retried by okhttp: one request.
    assertThat(sim.requests("GET /network/v2.0/networks")).isEqualTo(1);

    sim.faults().serviceUp(Service.NETWORK);
    assertThat(os.networking().network().list()).isNotEmpty();
  }

  @Test
  void theWholeApiDownRefusesConnectionsAndComesBackOnTheSamePort() {
    int port = sim.port();
    sim.faults().refuseConnections();

    assertThatThrownBy(() -> Clients.admin(sim)).isInstanceOf(ConnectionException.class);
    assertThatThrownBy(() -> os.compute().flavors().list()).isInstanceOf(ConnectionException.class);

    sim.faults().acceptConnections();
    assertThat(sim.port()).isEqualTo(port);
    assertThat(os.compute().servers().list()).as("state survives").isEmpty();
    assertThat(os.networking().network().get(net.getId())).isNotNull();
  }

  @Test
  void theNextNCallsFailWith500AndDoNothing() {
    sim.faults().failNext(Match.call(BOOT), 2, 500);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> os.compute().servers().boot(server("web-1")))
          .isInstanceOf(ServerResponseException.class)
          .satisfies(e -> assertThat(((ServerResponseException) e).getStatus()).isEqualTo(500));
    }
    Server booted = os.compute().servers().boot(server("web-1"));

    assertThat(booted.getId()).isNotBlank();
    assertThat(sim.requests(BOOT)).isEqualTo(3);
    assertThat(sim.count(Kind.SERVER)).isEqualTo(1);
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);
  }

  @Test
  void aFailureAfterTheCallTookEffectLeavesTheResourceForAnEnsureToFind() {
    sim.faults().failNextAfterApplying(Match.call(BOOT), 1, 500);

    assertThatThrownBy(() -> os.compute().servers().boot(server("web-1"))).isInstanceOf(ServerResponseException.class);

    assertThat(sim.count(Kind.SERVER)).as("the create happened though the client saw 500").isEqualTo(1);
    assertThat(os.compute().servers().list(Map.of("name", "^web-1$"))).hasSize(1);
    os.compute().servers().boot(server("web-1"));
    assertThat(sim.names(Kind.SERVER)).as("a blind retry duplicates").containsExactly("web-1", "web-1");
  }

  @Test
  void failuresAtARateAreSeededAndCounted() {
    sim.faults().seed(7).failRate(Match.call("POST /network/v2.0/networks"), 0.5, 500);

    int failed = 0;
    for (int i = 0; i < 20; i++) {
      try {
        os.networking().network().create(Builders.network().name("n-" + i).build());
      } catch (ServerResponseException e) {
        failed++;
      }
    }

    assertThat(failed).isBetween(3, 17);
    assertThat(sim.requests("POST /network/v2.0/networks")).isEqualTo(21);
    assertThat(sim.count(Kind.NETWORK, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1 + 20 - failed);
  }

  @Test
  void throttlingAnswers429WithRetryAfterWhichOpenstack4jDoesNotKeep() throws Exception {
    sim.faults().throttleNext(Match.service(Service.COMPUTE), 2, Duration.ofMillis(1500));

    assertThatThrownBy(() -> os.compute().flavors().list())
        .isInstanceOf(ClientResponseException.class)
        .satisfies(e -> assertThat(((ClientResponseException) e).getStatus()).isEqualTo(429));
    HttpResponse<String> raw = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(sim.endpoint(Service.COMPUTE) + "/flavors")).header("X-Auth-Token", os.getToken().getId()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(429);
    assertThat(raw.headers().firstValue("Retry-After")).contains("2");
    assertThat(raw.body()).contains("overLimit");
    assertThat(os.compute().flavors().list()).isNotEmpty();
  }

  @Test
  void latencyDelaysTheAnswer() {
    sim.faults().latency(Match.call("GET /compute/v2.1/flavors/detail"), Duration.ofMillis(300));

    long start = System.nanoTime();
    os.compute().flavors().list();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aFailedBuildLeavesAServerInErrorWithoutItsPorts() {
    sim.faults().failNextBuilds(1, "Build of instance aborted: simulated");

    Server booted = os.compute().servers().boot(server("web-1"));
    Server failed = os.compute().servers().get(booted.getId());

    assertThat(failed.getStatus()).isEqualTo(Server.Status.ERROR);
    assertThat(failed.getFault().getMessage()).isEqualTo("Build of instance aborted: simulated");
    assertThat(failed.getFault().getCode()).isEqualTo(500);
    assertThat(os.networking().port().list(PortListOptions.create().deviceId(booted.getId()))).isEmpty();
    assertThat(sim.count(Kind.SERVER)).as("half-created: it exists until deleted").isEqualTo(1);
    assertThat(os.compute().servers().get(os.compute().servers().boot(server("web-2")).getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);

    assertThat(os.compute().servers().delete(booted.getId()).isSuccess()).isTrue();
    assertThat(sim.count(Kind.SERVER)).isEqualTo(1);
  }

  @Test
  void aServerKilledIntoErrorIsRepairedByAHardReboot() {
    Server booted = os.compute().servers().boot(server("web-1"));
    os.compute().servers().get(booted.getId());

    assertThat(sim.faults().killServer(booted.getId(), ServerDeath.ERROR)).isTrue();
    Server dead = os.compute().servers().get(booted.getId());
    assertThat(dead.getStatus()).isEqualTo(Server.Status.ERROR);
    assertThat(dead.getFault().getMessage()).contains("lost the instance");
    assertThat(os.compute().servers().reboot(booted.getId(), RebootType.SOFT).getCode()).isEqualTo(409);

    assertThat(os.compute().servers().reboot(booted.getId(), RebootType.HARD).isSuccess()).isTrue();
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);
  }

  @Test
  void aServerThatVanishesTakesItsPortsWithIt() {
    Server booted = os.compute().servers().boot(server("web-1"));

    assertThat(sim.faults().killServer(booted.getId(), ServerDeath.VANISH)).isTrue();

    assertThat(os.compute().servers().get(booted.getId())).isNull();
    assertThat(sim.count(Kind.SERVER)).isZero();
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isZero();
    assertThat(sim.faults().killServer("no-such-server", ServerDeath.VANISH)).isFalse();
  }

  @Test
  void revokedTokensAreRenewedOnceByTheClient() {
    sim.faults().revokeAllTokens();

    assertThat(os.compute().flavors().list()).isNotEmpty();

    assertThat(sim.requests("POST /identity/v3/auth/tokens")).isEqualTo(2);
    assertThat(sim.requests("GET /compute/v2.1/flavors/detail")).isEqualTo(2);
  }

  @Test
  void clearRemovesTransportFaults() {
    sim.faults().serviceDown(Service.COMPUTE).failNext(Match.any(), 5, 500).latency(Match.any(), Duration.ofSeconds(5));

    sim.faults().clear();

    assertThat(os.compute().flavors().list()).isNotEmpty();
  }
}
