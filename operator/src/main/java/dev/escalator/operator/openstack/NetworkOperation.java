package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.api.OpenStackNetworkActionSpec;
import dev.escalator.operator.api.SecurityRuleSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openstack4j.api.Builders;
import org.openstack4j.model.network.AttachInterfaceType;
import org.openstack4j.model.network.IPVersionType;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.SecurityGroupRule;
import org.openstack4j.model.network.Subnet;
import org.openstack4j.model.network.builder.SubnetBuilder;

/**
 * Level "core networking": ensures, in the environment's project, the core network and subnet, a
 * router with its gateway on the external network and an interface on the subnet, and the
 * environment's security group with its ingress rules. Each piece is looked up by name first.
 */
final class NetworkOperation implements OpenStackAction.Operation {
  private final OpenStackNetworkActionSpec spec;

  NetworkOperation(OpenStackNetworkActionSpec spec) {
    this.spec = spec;
  }

  @Override
  public String start(OpenStackAction.Context ctx) throws OpenStackException, OpenStackConfigException {
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    String projectId = view.projectId();
    OpenStackNames names = ctx.names();
    Network network = ensureNetwork(view, projectId, names.network());
    Subnet subnet = ensureSubnet(view, projectId, network, names.subnet(), spec.cidr, spec.dnsNameservers);
    Router router = ensureRouter(view, projectId, ctx.cloud().externalNetwork);
    ensureInterface(view, router, subnet);
    ensureSecurityGroup(view, projectId, names.securityGroup(), spec.ingress);
    return "network/" + network.getId();
  }

  @Override
  public ActionProgress poll(OpenStackAction.Context ctx, String handle) throws OpenStackException, OpenStackConfigException {
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    String missing = missing(view, spec.ingress);
    return missing == null ? ActionProgress.succeeded("core network " + ctx.names().network() + " ready")
        : ActionProgress.failed(missing + " is missing after the network level ran");
  }

  /**
   * What of the core networking is missing, or null when it is all in place: {@code ingress} are
   * the rules the security group must hold. Shared with the Network check.
   */
  static String missing(CloudView view, List<SecurityRuleSpec> ingress) throws OpenStackException {
    OpenStackNames names = view.names();
    Network network = view.network(names.network()).orElse(null);
    if (network == null) return "network " + names.network();
    Subnet subnet = view.subnet(network.getId(), names.subnet()).orElse(null);
    if (subnet == null) return "subnet " + names.subnet();
    Router router = view.router(names.router()).orElse(null);
    if (router == null) return "router " + names.router();
    if (router.getExternalGatewayInfo() == null || router.getExternalGatewayInfo().getNetworkId() == null) {
      return "the external gateway of router " + names.router();
    }
    if (!view.routerOnSubnet(router.getId(), subnet.getId())) return "the interface of router " + names.router() + " on subnet " + names.subnet();
    SecurityGroup group = view.securityGroup(names.securityGroup()).orElse(null);
    if (group == null) return "security group " + names.securityGroup();
    // A group whose create was the last thing an operator did before it crashed has no rules yet.
    List<SecurityRuleSpec> absent = absentRules(view, group, ingress);
    if (!absent.isEmpty()) return absent.size() + " ingress rule(s) of security group " + names.securityGroup();
    return null;
  }

  private static List<SecurityRuleSpec> absentRules(CloudView view, SecurityGroup group, List<SecurityRuleSpec> ingress)
      throws OpenStackException {
    if (ingress == null || ingress.isEmpty()) return List.of();
    List<? extends SecurityGroupRule> existing = view.session().call("neutron: list rules of security group " + group.getName(),
        os -> os.networking().securityrule().list(Map.of("security_group_id", group.getId())));
    return ingress.stream().filter(rule -> existing.stream().noneMatch(r -> "ingress".equals(r.getDirection())
        && Objects.equals(r.getProtocol(), rule.protocol)
        && Objects.equals(r.getPortRangeMin(), rule.portMin)
        && Objects.equals(r.getPortRangeMax(), rule.portMax == null ? rule.portMin : rule.portMax)
        && Objects.equals(r.getRemoteIpPrefix(), rule.remoteIpPrefix))).toList();
  }

  static Network ensureNetwork(CloudView view, String projectId, String name) throws OpenStackException {
    Network found = view.network(name).orElse(null);
    if (found != null) return found;
    return view.session().create("neutron: create network " + name, os -> os.networking().network()
        .create(Builders.network().name(name).tenantId(projectId).adminStateUp(true).build()));
  }

  static Subnet ensureSubnet(CloudView view, String projectId, Network network, String name, String cidr, List<String> dns)
      throws OpenStackException {
    Subnet found = view.subnet(network.getId(), name).orElse(null);
    if (found != null) {
      if (!Objects.equals(found.getCidr(), cidr)) {
        throw new OpenStackException("neutron: subnet " + name + " exists with CIDR " + found.getCidr() + ", not " + cidr
            + "; a subnet's CIDR cannot change: delete it or keep its CIDR", 409, false, null);
      }
      return found;
    }
    SubnetBuilder b = Builders.subnet().name(name).networkId(network.getId()).tenantId(projectId)
        .ipVersion(IPVersionType.V4).cidr(cidr).enableDHCP(true);
    if (dns != null) dns.forEach(b::addDNSNameServer);
    return view.session().create("neutron: create subnet " + name, os -> os.networking().subnet().create(b.build()));
  }

  private static Router ensureRouter(CloudView view, String projectId, String externalNetwork) throws OpenStackException {
    String name = view.names().router();
    Network external = view.externalNetwork(externalNetwork)
        .orElseThrow(() -> new OpenStackException("neutron: external network " + externalNetwork
            + " not found (spec.provider.openstack.externalNetwork)", 404, false, null));
    Router found = view.router(name).orElse(null);
    if (found == null) {
      return view.session().create("neutron: create router " + name, os -> os.networking().router()
          .create(Builders.router().name(name).tenantId(projectId).adminStateUp(true).externalGateway(external.getId()).build()));
    }
    if (found.getExternalGatewayInfo() == null || !external.getId().equals(found.getExternalGatewayInfo().getNetworkId())) {
      return view.session().call("neutron: set gateway of router " + name, os -> os.networking().router()
          .update(Builders.router().id(found.getId()).externalGateway(external.getId()).build()));
    }
    return found;
  }

  static void ensureInterface(CloudView view, Router router, Subnet subnet) throws OpenStackException {
    if (view.routerOnSubnet(router.getId(), subnet.getId())) return;
    view.session().create("neutron: add interface on subnet " + subnet.getName() + " to router " + router.getName(),
        os -> os.networking().router().attachInterface(router.getId(), AttachInterfaceType.SUBNET, subnet.getId()));
  }

  private static void ensureSecurityGroup(CloudView view, String projectId, String name, List<SecurityRuleSpec> ingress)
      throws OpenStackException {
    SecurityGroup group = view.securityGroup(name).orElse(null);
    if (group == null) {
      group = view.session().create("neutron: create security group " + name, os -> os.networking().securitygroup()
          .create(Builders.securityGroup().name(name).description("Escalator environment " + view.names().owner()).build()));
    }
    String groupId = group.getId();
    for (SecurityRuleSpec rule : absentRules(view, group, ingress)) {
      var b = Builders.securityGroupRule().tenantId(projectId).securityGroupId(groupId).direction("ingress")
          .ethertype("IPv4").protocol(rule.protocol).remoteIpPrefix(rule.remoteIpPrefix);
      if (rule.portMin != null) b.portRangeMin(rule.portMin).portRangeMax(rule.portMax == null ? rule.portMin : rule.portMax);
      view.session().create("neutron: add " + rule.protocol + " rule to security group " + name, os -> os.networking().securityrule().create(b.build()));
    }
  }
}
