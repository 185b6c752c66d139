package dev.escalator.operator.openstack.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.network.AttachInterfaceType;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.NetQuota;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Port;
import org.openstack4j.model.network.Resource;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.RouterInterface;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.SecurityGroupRule;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.options.PortListOptions;
import org.openstack4j.openstack.networking.domain.NeutronNetQuota;
import org.openstack4j.openstack.networking.domain.NeutronResourceTag;

/** openstack4j against the simulated Neutron: networks, subnets, routers, security groups, ports, tags, quotas. */
class NeutronSimulationTest {
  private OpenStackSimulator sim;
  private OSClientV3 os;

  @BeforeEach
  void start() {
    sim = new OpenStackSimulator().start();
    os = Clients.member(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private Network network(String name) {
    return os.networking().network().create(Builders.network().name(name).adminStateUp(true).build());
  }

  private Subnet subnet(Network net, String name, String cidr) {
    return os.networking().subnet().create(Builders.subnet().name(name).networkId(net.getId()).ipVersion(IPVersionType.V4).cidr(cidr).enableDHCP(true).build());
  }

  @Test
  void thePublicNetworkIsExternalSharedAndVisibleToEveryProject() {
    List<? extends Network> external = os.networking().network().list(Map.of("router:external", "true"));

    assertThat(external).singleElement().satisfies(n -> {
      assertThat(n.getName()).isEqualTo(OpenStackSimulator.PUBLIC_NETWORK);
      assertThat(n.isRouterExternal()).isTrue();
      assertThat(n.isShared()).isTrue();
      assertThat(n.getSubnets()).hasSize(1);
    });
    assertThat(os.networking().subnet().get(external.getFirst().getSubnets().getFirst()).getCidr()).isEqualTo("172.24.4.0/24");
  }

  @Test
  void aNetworkWithASubnetAllocatesGatewayAndPoolFromTheCidr() {
    Network net = network("env-net");
    Subnet subnet = subnet(net, "env-subnet", "10.10.0.0/24");

    assertThat(subnet.getGateway()).isEqualTo("10.10.0.1");
    assertThat(subnet.getAllocationPools()).singleElement().satisfies(p -> {
      assertThat(p.getStart()).isEqualTo("10.10.0.2");
      assertThat(p.getEnd()).isEqualTo("10.10.0.254");
    });
    assertThat(subnet.isDHCPEnabled()).isTrue();
    assertThat(os.networking().network().get(net.getId()).getSubnets()).containsExactly(subnet.getId());
    assertThat(os.networking().network().list(Map.of("name", "env-net"))).extracting(Network::getId).containsExactly(net.getId());
    assertThat(os.networking().network().list(Map.of("name", "other"))).isEmpty();
    assertThatThrownBy(() -> subnet(net, "overlap", "10.10.0.128/25"))
        .isInstanceOf(ClientResponseException.class)
        .hasMessageContaining("overlaps");
    assertThat(sim.count(Kind.NETWORK, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);
    assertThat(sim.count(Kind.SUBNET, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);
  }

  @Test
  void openstack4jSendsEnableDhcpFalseUnlessAsked() {
    Network net = network("env-net");

    Subnet subnet = os.networking().subnet().create(Builders.subnet().name("s").networkId(net.getId()).ipVersion(IPVersionType.V4).cidr("10.11.0.0/24").build());

    assertThat(subnet.isDHCPEnabled()).as("NeutronSubnet.enableDHCP is a primitive boolean, always sent").isFalse();
  }

  @Test
  void portsGetTheFixedIpAskedForOrTheNextFreeOne() {
    Network net = network("env-net");
    Subnet subnet = subnet(net, "env-subnet", "10.10.0.0/24");

    Port fixed = os.networking().port().create(Builders.port().name("vip").networkId(net.getId()).fixedIp("10.10.0.50", subnet.getId()).build());
    Port next = os.networking().port().create(Builders.port().name("any").networkId(net.getId()).build());

    assertThat(fixed.getFixedIps()).extracting(IP::getIpAddress).containsExactly("10.10.0.50");
    assertThat(next.getFixedIps()).extracting(IP::getIpAddress).containsExactly("10.10.0.2");
    assertThat(next.getMacAddress()).startsWith("fa:16:3e:");
    assertThat(next.getSecurityGroups()).hasSize(1); // the project's default group
    assertThatThrownBy(() -> os.networking().port().create(Builders.port().networkId(net.getId()).fixedIp("10.10.0.50", subnet.getId()).build()))
        .isInstanceOf(ClientResponseException.class)
        .satisfies(e -> assertThat(((ClientResponseException) e).getStatus()).isEqualTo(409));
    assertThat(os.networking().port().list(PortListOptions.create().networkId(net.getId()))).hasSize(2);
    assertThat(os.networking().port().list(PortListOptions.create().deviceId("nothing"))).isEmpty();

    assertThat(os.networking().port().delete(fixed.getId()).isSuccess()).isTrue();
    assertThat(os.networking().port().get(fixed.getId())).isNull();
    assertThat(sim.count(Kind.PORT, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(1);
  }

  @Test
  void aRouterGetsAnExternalGatewayAndInterfacesOnSubnets() {
    Network net = network("env-net");
    Subnet subnet = subnet(net, "env-subnet", "10.10.0.0/24");
    Router router = os.networking().router().create(Builders.router().name("env-router").adminStateUp(true)
        .externalGateway(sim.publicNetworkId()).build());

    assertThat(router.getExternalGatewayInfo().getNetworkId()).isEqualTo(sim.publicNetworkId());
    RouterInterface iface = os.networking().router().attachInterface(router.getId(), AttachInterfaceType.SUBNET, subnet.getId());
    assertThat(iface.getSubnetId()).isEqualTo(subnet.getId());
    Port ifacePort = os.networking().port().get(iface.getPortId());
    assertThat(ifacePort.getDeviceOwner()).isEqualTo("network:router_interface");
    assertThat(ifacePort.getFixedIps()).extracting(IP::getIpAddress).containsExactly("10.10.0.1");
    assertThat(os.networking().port().list(PortListOptions.create().deviceId(router.getId()))).hasSize(1);

    assertThat(os.networking().router().delete(router.getId()).getCode()).isEqualTo(409);
    assertThat(os.networking().network().delete(net.getId()).getCode()).isEqualTo(409);
    RouterInterface removed = os.networking().router().detachInterface(router.getId(), subnet.getId(), null);
    assertThat(removed.getPortId()).isEqualTo(iface.getPortId());
    assertThat(os.networking().router().delete(router.getId()).isSuccess()).isTrue();
    assertThat(os.networking().network().delete(net.getId()).isSuccess()).isTrue();
    assertThat(sim.count(Kind.ROUTER)).isZero();
    assertThat(sim.count(Kind.SUBNET, OpenStackSimulator.MEMBER_PROJECT)).isZero();
    assertThat(sim.count(Kind.PORT)).as("gateway and interface ports are gone with the router").isZero();
  }

  @Test
  void aRouterGatewayMustBeAnExternalNetwork() {
    Network net = network("env-net");
    subnet(net, "env-subnet", "10.10.0.0/24");

    assertThatThrownBy(() -> os.networking().router().create(Builders.router().name("bad").externalGateway(net.getId()).build()))
        .isInstanceOf(ClientResponseException.class)
        .hasMessageContaining("not a valid external network");
    assertThat(sim.count(Kind.ROUTER)).isZero();
  }

  @Test
  void securityGroupsComeWithEgressRulesAndTakeIngressRules() {
    SecurityGroup group = os.networking().securitygroup().create(Builders.securityGroup().name("env-web").description("web tier").build());
    SecurityGroupRule ssh = os.networking().securityrule().create(Builders.securityGroupRule().securityGroupId(group.getId())
        .direction("ingress").ethertype("IPv4").protocol("tcp").portRangeMin(22).portRangeMax(22).remoteIpPrefix("0.0.0.0/0").build());

    assertThat(ssh.getPortRangeMin()).isEqualTo(22);
    assertThat(os.networking().securitygroup().get(group.getId()).getRules()).extracting(SecurityGroupRule::getDirection)
        .containsExactlyInAnyOrder("egress", "egress", "ingress");
    assertThat(os.networking().securitygroup().list(Map.of("name", "env-web"))).singleElement().extracting(SecurityGroup::getId).isEqualTo(group.getId());
    assertThatThrownBy(() -> os.networking().securityrule().create(Builders.securityGroupRule().securityGroupId(group.getId())
        .direction("ingress").ethertype("IPv4").protocol("tcp").portRangeMin(22).portRangeMax(22).remoteIpPrefix("0.0.0.0/0").build()))
        .isInstanceOf(ClientResponseException.class)
        .hasMessageContaining("already exists");
    assertThat(os.networking().securitygroup().list(Map.of("name", "default"))).hasSize(1);

    os.networking().securityrule().delete(ssh.getId());
    assertThat(os.networking().securitygroup().delete(group.getId()).isSuccess()).isTrue();
    assertThat(sim.count(Kind.SECURITY_GROUP, OpenStackSimulator.MEMBER_PROJECT)).as("only default is left").isEqualTo(1);
    assertThat(sim.count(Kind.SECURITY_GROUP_RULE, OpenStackSimulator.MEMBER_PROJECT)).isEqualTo(4);
  }

  @Test
  void tagsAreSetThroughTheTagApiAndFilterNetworkLists() {
    Network a = network("a");
    Network b = network("b");
    NeutronResourceTag tags = new NeutronResourceTag();
    tags.addTag("escalator.dev/environment=shop", "escalator.dev/tier=web");

    assertThat(os.networking().resourceTags().replace(Resource.NETWORK, a.getId(), tags).getTags()).hasSize(2);
    ActionResponse single = os.networking().resourceTags().addSingle(Resource.NETWORK, b.getId(), "other");

    assertThat(single.isSuccess()).isTrue();
    assertThat(os.networking().resourceTags().list(Resource.NETWORK, a.getId()).getTags())
        .containsExactly("escalator.dev/environment=shop", "escalator.dev/tier=web");
    assertThat(os.networking().network().list(Map.of("tags", "escalator.dev/environment=shop,escalator.dev/tier=web")))
        .extracting(Network::getId).containsExactly(a.getId());
    assertThat(os.networking().network().list(Map.of("tags-any", "other,nothing"))).extracting(Network::getId).containsExactly(b.getId());
    assertThat(os.networking().network().list(Map.of("not-tags", "other", "router:external", "false"))).extracting(Network::getId).containsExactly(a.getId());
  }

  @Test
  void aTagWithASlashCannotBeAddedSinglyBecauseOpenstack4jDoesNotEncodePathSegments() {
    Network a = network("a");

    ActionResponse slash = os.networking().resourceTags().addSingle(Resource.NETWORK, a.getId(), "escalator.dev/environment=shop");

    assertThat(slash.getCode()).isEqualTo(404);
    assertThat(os.networking().resourceTags().list(Resource.NETWORK, a.getId()).getTags()).isEmpty();
  }

  @Test
  void anAdminSeesEveryProjectsNetworksSoItMustFilterByProject() {
    Network mine = network("shared-name");
    OSClientV3 admin = Clients.admin(sim);
    admin.networking().network().create(Builders.network().name("shared-name").build());

    assertThat(admin.networking().network().list(Map.of("name", "shared-name"))).hasSize(2);
    assertThat(admin.networking().network().list(Map.of("name", "shared-name", "project_id", sim.projectId(OpenStackSimulator.MEMBER_PROJECT))))
        .extracting(Network::getId).containsExactly(mine.getId());
    Clients.member(sim);
    assertThat(os.networking().network().list(Map.of("name", "shared-name"))).extracting(Network::getId).containsExactly(mine.getId());
  }

  @Test
  void quotasAreReadByAnyoneAndSetByAnAdmin() {
    String demo = sim.projectId(OpenStackSimulator.MEMBER_PROJECT);
    assertThat(os.networking().quotas().get(demo).getNetwork()).isEqualTo(100);

    OSClientV3 admin = Clients.admin(sim);
    NetQuota updated = admin.networking().quotas().updateForTenant(demo, NeutronNetQuota.builder().network(1).build());
    assertThat(updated.getNetwork()).isEqualTo(1);

    Clients.member(sim);
    network("first");
    assertThatThrownBy(() -> network("second"))
        .isInstanceOf(ClientResponseException.class)
        .satisfies(e -> assertThat(((ClientResponseException) e).getStatus()).isEqualTo(409))
        .hasMessageContaining("Quota exceeded");
  }
}
