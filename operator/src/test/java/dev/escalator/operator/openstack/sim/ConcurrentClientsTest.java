package dev.escalator.operator.openstack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.openstack.OSFactory;

/**
 * Many clients at once, from virtual threads as the operator calls: each gets its own resources and
 * addresses, and the counters add up. openstack4j keeps its session in a thread local, so each
 * thread makes its own client from the shared token ({@link OSFactory#clientFromToken}).
 */
class ConcurrentClientsTest {
  private OpenStackSimulator sim;

  @BeforeEach
  void start() {
    sim = new OpenStackSimulator().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void concurrentCreatesGetDistinctAddressesAndAreAllCounted() throws Exception {
    OSClientV3 os = Clients.member(sim);
    Network net = os.networking().network().create(Builders.network().name("env-net").build());
    os.networking().subnet().create(Builders.subnet().name("env-subnet").networkId(net.getId()).ipVersion(IPVersionType.V4)
        .cidr("10.40.0.0/24").enableDHCP(true).build());
    Token token = os.getToken();
    int clients = 8;

    List<String> addresses = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<String>>> results = IntStream.range(0, clients).mapToObj(i -> threads.submit(() -> {
        OSClientV3 c = OSFactory.clientFromToken(token);
        String port = c.networking().port().create(Builders.port().name("p-" + i).networkId(net.getId()).build())
            .getFixedIps().stream().map(IP::getIpAddress).findFirst().orElseThrow();
        Server s = c.compute().servers().boot(Builders.server().name("web-" + i).flavor("42").image(sim.imageId())
            .networks(List.of(net.getId())).build());
        String server = sim.server(s.getId()).orElseThrow().addresses().getFirst();
        return List.of(port, server);
      })).toList();
      for (Future<List<String>> r : results) addresses.addAll(r.get());
    }

    assertThat(addresses).hasSize(2 * clients).doesNotHaveDuplicates();
    assertThat(sim.count(Kind.SERVER)).isEqualTo(clients);
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(2 * clients);
    assertThat(sim.requests("POST /compute/v2.1/servers")).isEqualTo(clients);
    assertThat(sim.requests("POST /network/v2.0/ports")).isEqualTo(clients);
  }

  @Test
  void versionDocumentsNeedNoToken() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (Service s : List.of(Service.IDENTITY, Service.COMPUTE)) {
      HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(sim.endpoint(s))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(version.statusCode()).as(s.name()).isEqualTo(200);
      assertThat(version.body()).contains("\"version\"");
    }
    HttpResponse<String> servers = http.send(HttpRequest.newBuilder(URI.create(sim.endpoint(Service.COMPUTE) + "/servers")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(servers.statusCode()).isEqualTo(401);
    assertThat(servers.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Keystone uri="));
  }
}
