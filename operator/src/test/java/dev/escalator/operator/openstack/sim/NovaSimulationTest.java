package dev.escalator.operator.openstack.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.escalator.operator.testing.SettableClock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.compute.Address;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.compute.Keypair;
import org.openstack4j.model.compute.Limits;
import org.openstack4j.model.compute.QuotaSet;
import org.openstack4j.model.compute.RebootType;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.compute.ServerGroup;
import org.openstack4j.model.compute.actions.RebuildOptions;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;

/** openstack4j against the simulated Nova: flavors, the server lifecycle, groups, keypairs, quotas. */
class NovaSimulationTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private OpenStackSimulator sim;
  private OSClientV3 os;
  private Network net;
  private Subnet subnet;

  @BeforeEach
  void start() {
    sim = new OpenStackSimulator(clock).start();
    os = Clients.member(sim);
    net = os.networking().network().create(Builders.network().name("env-net").build());
    subnet = os.networking().subnet().create(Builders.subnet().name("env-subnet").networkId(net.getId()).ipVersion(IPVersionType.V4)
        .cidr("10.20.0.0/24").enableDHCP(true).build());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private ServerCreate server(String name) {
    return Builders.server().name(name).flavor("1").image(sim.imageId()).networks(List.of(net.getId())).build();
  }

  @Test
  void flavorsAreTheDevstackOnes() {
    assertThat(os.compute().flavors().list()).extracting(Flavor::getName).containsExactly("m1.nano", "m1.micro", "m1.tiny", "m1.small");
    Flavor tiny = os.compute().flavors().get("1");
    assertThat(tiny.getRam()).isEqualTo(512);
    assertThat(tiny.getVcpus()).isEqualTo(1);
    assertThat(tiny.getSwap()).as("Nova's empty-string swap reads as 0").isZero();
    assertThat(os.compute().flavors().get("missing")).isNull();
  }

  @Test
  void aServerIsBuiltToActiveWithAnAddressFromItsNetwork() {
    String userData = Base64.getEncoder().encodeToString("#cloud-config\n".getBytes(StandardCharsets.UTF_8));
    os.compute().keypairs().create("env-key", null);
    ServerCreate create = Builders.server().name("web-1").flavor("1").image(sim.imageId()).networks(List.of(net.getId()))
        .keypairName("env-key").userData(userData).addMetadataItem("escalator.dev:environment", "shop").build();

    Server booted = os.compute().servers().boot(create);

    assertThat(booted.getId()).isNotBlank();
    assertThat(booted.getStatus()).as("Nova's create answer carries no status").isNull();
    assertThat(booted.getAdminPass()).isNotBlank();
    Server active = os.compute().servers().get(booted.getId());
    assertThat(active.getStatus()).isEqualTo(Server.Status.ACTIVE);
    assertThat(active.getName()).isEqualTo("web-1");
    assertThat(active.getKeyName()).isEqualTo("env-key");
    assertThat(active.getMetadata()).containsEntry("escalator.dev:environment", "shop");
    assertThat(active.getFlavorId()).isEqualTo("1");
    assertThat(active.getImageId()).isEqualTo(sim.imageId());
    assertThat(active.getLaunchedAt()).isNotNull();
    assertThat(active.getAddresses().getAddresses("env-net")).extracting(Address::getAddr).containsExactly("10.20.0.2");
    assertThat(sim.server(booted.getId()).orElseThrow().userData()).isEqualTo(userData);

    List<? extends Port> ports = os.networking().port().list(PortListOptions.create().deviceId(booted.getId()));
    assertThat(ports).singleElement().satisfies(p -> {
      assertThat(p.getDeviceOwner()).isEqualTo("compute:nova");
      assertThat(p.getFixedIps()).extracting(IP::getIpAddress).containsExactly("10.20.0.2");
    });
  }

  @Test
  void aBuildDelayKeepsTheServerInBuildUntilTheClockPassesIt() {
    sim.faults().buildDelay(Duration.ofSeconds(30));
    Server booted = os.compute().servers().boot(server("web-1"));

    Server building = os.compute().servers().get(booted.getId());
    assertThat(building.getStatus()).isEqualTo(Server.Status.BUILD);
    assertThat(building.getAddresses().getAddresses()).isEmpty();
    clock.advance(Duration.ofSeconds(29));
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.BUILD);
    clock.advance(Duration.ofSeconds(1));
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);
  }

  @Test
  void aServerOnAGivenPortKeepsThePortsFixedIpAndLeavesThePortOnDelete() {
    Port port = os.networking().port().create(Builders.port().name("web-1-port").networkId(net.getId()).fixedIp("10.20.0.10", subnet.getId()).build());
    Server booted = os.compute().servers().boot(Builders.server().name("web-1").flavor("1").image(sim.imageId()).addNetworkPort(port.getId()).build());

    assertThat(os.compute().servers().get(booted.getId()).getAddresses().getAddresses("env-net")).extracting(Address::getAddr).containsExactly("10.20.0.10");
    assertThat(os.networking().port().get(port.getId()).getDeviceId()).isEqualTo(booted.getId());

    assertThat(os.compute().servers().delete(booted.getId()).isSuccess()).isTrue();
    assertThat(os.networking().port().get(port.getId()).getDeviceId()).isEmpty();
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);
  }

  @Test
  void aServerWithAFixedIpOnTheNetworkGetsIt() {
    ServerCreate create = Builders.server().name("db-1").flavor("1").image(sim.imageId()).build();
    create.addNetwork(net.getId(), "10.20.0.77");

    Server booted = os.compute().servers().boot(create);

    assertThat(sim.server(booted.getId()).orElseThrow().addresses()).containsExactly("10.20.0.77");
    ServerCreate again = Builders.server().name("db-2").flavor("1").image(sim.imageId()).build();
    again.addNetwork(net.getId(), "10.20.0.77");
    assertThatThrownBy(() -> os.compute().servers().boot(again))
        .isInstanceOf(ClientResponseException.class)
        .hasMessageContaining("already in use");
    assertThat(sim.count(Kind.SERVER)).isEqualTo(1);
  }

  @Test
  void deletingAServerDeletesThePortsNovaMadeForIt() {
    Server booted = os.compute().servers().boot(server("web-1"));
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);

    ActionResponse deleted = os.compute().servers().delete(booted.getId());

    assertThat(deleted.isSuccess()).isTrue();
    assertThat(os.compute().servers().get(booted.getId())).isNull();
    assertThat(os.compute().servers().delete(booted.getId()).getCode()).isEqualTo(404);
    assertThat(sim.count(Kind.SERVER)).isZero();
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isZero();
  }

  @Test
  void rebootGoesThroughRebootOrHardRebootBackToActive() {
    sim.faults().actionDelay(Duration.ofSeconds(5));
    Server booted = os.compute().servers().boot(server("web-1"));
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);

    assertThat(os.compute().servers().reboot(booted.getId(), RebootType.SOFT).isSuccess()).isTrue();
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.REBOOT);
    assertThat(os.compute().servers().reboot(booted.getId(), RebootType.SOFT).getCode()).as("a soft reboot while rebooting").isEqualTo(409);
    clock.advance(Duration.ofSeconds(5));
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);

    assertThat(os.compute().servers().reboot(booted.getId(), RebootType.HARD).isSuccess()).isTrue();
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.HARD_REBOOT);
    clock.advance(Duration.ofSeconds(5));
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);
    assertThat(sim.serverActions("reboot")).isEqualTo(3);
  }

  @Test
  void rebuildReplacesTheImageAndReturnsToActive() {
    Server booted = os.compute().servers().boot(server("web-1"));
    os.compute().servers().get(booted.getId());

    ActionResponse rebuilt = os.compute().servers().rebuild(booted.getId(), RebuildOptions.create().image(sim.imageId()).name("web-1"));

    assertThat(rebuilt.isSuccess()).isTrue();
    assertThat(os.compute().servers().get(booted.getId()).getStatus()).isEqualTo(Server.Status.ACTIVE);
    assertThat(sim.serverActions("rebuild")).isEqualTo(1);
    assertThat(os.compute().servers().rebuild(booted.getId(), RebuildOptions.create().image("no-such-image")).getCode()).isEqualTo(400);
  }

  @Test
  void theNameFilterIsAnUnanchoredRegexAsInNova() {
    os.compute().servers().boot(server("web-1"));
    os.compute().servers().boot(server("web-10"));
    os.compute().servers().boot(server("db-1"));

    assertThat(os.compute().servers().list(Map.of("name", "web-1"))).extracting(Server::getName).containsExactlyInAnyOrder("web-1", "web-10");
    assertThat(os.compute().servers().list(Map.of("name", "^web-1$"))).extracting(Server::getName).containsExactly("web-1");
    assertThat(os.compute().servers().list(Map.of("status", "ACTIVE"))).hasSize(3);
    assertThat(os.compute().servers().list(false)).extracting(Server::getName).containsExactly("db-1", "web-10", "web-1");
    assertThat(sim.requests("GET /compute/v2.1/servers/detail")).isEqualTo(3);
    assertThat(sim.requests("GET /compute/v2.1/servers")).isEqualTo(1);
  }

  @Test
  void serversOfAnotherProjectAreInvisible() {
    Server mine = os.compute().servers().boot(server("web-1"));

    OSClientV3 admin = Clients.admin(sim);
    assertThat(admin.compute().servers().list()).isEmpty();
    assertThat(admin.compute().servers().listAll(true)).extracting(Server::getId).containsExactly(mine.getId());
    assertThat(admin.compute().servers().get(mine.getId()).getHost()).startsWith("sim-compute-");
  }

  @Test
  void anAntiAffinityGroupSpreadsServersAndRefusesMoreThanThereAreHosts() {
    ServerGroup group = os.compute().serverGroups().create("env-web", "anti-affinity");
    assertThat(group.getPolicies()).containsExactly("anti-affinity");

    List<String> ids = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      ids.add(os.compute().servers().boot(Builders.server().name("web-" + i).flavor("42").image(sim.imageId())
          .networks(List.of(net.getId())).addSchedulerHint("group", group.getId()).build()).getId());
    }

    assertThat(os.compute().serverGroups().get(group.getId()).getMembers()).containsExactlyElementsOf(ids);
    assertThat(ids.subList(0, 3)).extracting(id -> sim.server(id).orElseThrow().host()).doesNotHaveDuplicates();
    Server fourth = os.compute().servers().get(ids.get(3));
    assertThat(fourth.getStatus()).isEqualTo(Server.Status.ERROR);
    assertThat(fourth.getFault().getMessage()).contains("No valid host");
    assertThat(os.compute().serverGroups().list()).extracting(ServerGroup::getName).containsExactly("env-web");
    assertThat(os.compute().serverGroups().delete(group.getId()).isSuccess()).isTrue();
    assertThat(sim.count(Kind.SERVER_GROUP)).isZero();
  }

  @Test
  void createChecksFlavorImageNetworkAndKeyname() {
    assertThatThrownBy(() -> os.compute().servers().boot(Builders.server().name("x").flavor("999").image(sim.imageId()).build()))
        .isInstanceOf(ClientResponseException.class).hasMessageContaining("Flavor 999 could not be found");
    assertThatThrownBy(() -> os.compute().servers().boot(Builders.server().name("x").flavor("1").image("nope").build()))
        .isInstanceOf(ClientResponseException.class).hasMessageContaining("Image nope could not be found");
    assertThatThrownBy(() -> os.compute().servers().boot(Builders.server().name("x").flavor("1").image(sim.imageId()).networks(List.of("nope")).build()))
        .isInstanceOf(ClientResponseException.class).hasMessageContaining("Network nope could not be found");
    assertThatThrownBy(() -> os.compute().servers().boot(Builders.server().name("x").flavor("1").image(sim.imageId()).keypairName("nope").build()))
        .isInstanceOf(ClientResponseException.class).hasMessageContaining("Invalid key_name");
    assertThatThrownBy(() -> os.compute().servers().boot(Builders.server().name("x").flavor("1").image(sim.imageId()).userData("not base64!").build()))
        .isInstanceOf(ClientResponseException.class).hasMessageContaining("base64");
    assertThat(sim.count(Kind.SERVER)).isZero();
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isZero();
  }

  @Test
  void keypairsAreListedGotAndDeleted() {
    Keypair generated = os.compute().keypairs().create("generated", null);
    Keypair imported = os.compute().keypairs().create("imported", generated.getPublicKey());

    assertThat(generated.getPrivateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(imported.getFingerprint()).isEqualTo(generated.getFingerprint()).matches("([0-9a-f]{2}:){15}[0-9a-f]{2}");
    assertThat(os.compute().keypairs().list()).extracting(Keypair::getName).containsExactly("generated", "imported");
    assertThat(os.compute().keypairs().get("imported").getPublicKey()).isEqualTo(generated.getPublicKey());
    assertThat(os.compute().keypairs().delete("imported").isSuccess()).isTrue();
    assertThat(sim.count(Kind.KEYPAIR)).isEqualTo(1);
  }

  @Test
  void quotasAreEnforcedAndUpdatedByAnAdmin() {
    String demo = sim.projectId(OpenStackSimulator.MEMBER_PROJECT);
    assertThat(os.compute().quotaSets().get(demo).getInstances()).isEqualTo(10);

    OSClientV3 admin = Clients.admin(sim);
    QuotaSet updated = admin.compute().quotaSets().updateForTenant(demo, Builders.quotaSet().instances(1).build());
    assertThat(updated.getInstances()).isEqualTo(1);

    Clients.member(sim);
    os.compute().servers().boot(server("web-1"));
    assertThatThrownBy(() -> os.compute().servers().boot(server("web-2")))
        .isInstanceOf(ClientResponseException.class)
        .satisfies(e -> assertThat(((ClientResponseException) e).getStatus()).isEqualTo(403))
        .hasMessageContaining("Quota exceeded for instances");
    Limits limits = os.compute().quotaSets().limits();
    assertThat(limits.getAbsolute().getMaxTotalInstances()).isEqualTo(1);
    assertThat(limits.getAbsolute().getTotalInstancesUsed()).isEqualTo(1);
    assertThatThrownBy(() -> os.compute().quotaSets().updateForTenant(demo, Builders.quotaSet().instances(5).build()))
        .isInstanceOf(ClientResponseException.class)
        .satisfies(e -> assertThat(((ClientResponseException) e).getStatus()).isEqualTo(403));
  }
}
