package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One health check. Probe fields follow the kubelet's naming. Exactly one probe type is set;
 * string fields of the probe may use {@code ${environment}}, {@code ${namespace}}, {@code ${tier}},
 * {@code ${node.name}}, {@code ${node.address}} and {@code ${node.tier}}, filled in per target.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.http), has(self.tcp), has(self.icmp), has(self.prometheus), has(self.alert), has(self.kubernetes), has(self.openstack)].filter(x, x).size() == 1",
    message = "exactly one probe type (http, tcp, icmp, prometheus, alert, kubernetes, openstack) must be set")
@ValidationRule(
    value = "self.scope != 'Environment' || !has(self.tier)",
    message = "tier applies only to Tier and Node scoped checks")
public class CheckSpec {
  @Required
  @Pattern(Patterns.NAME)
  @Size(max = 63)
  public String name;

  @Default("Environment")
  @JsonPropertyDescription("Environment: one probe. Tier: one probe per tier (or only spec tier). Node: one probe per inventory node (of tier, when set).")
  public Scope scope = Scope.Environment;

  @Pattern(Patterns.NAME)
  @JsonPropertyDescription("Restricts a Tier or Node scoped check to this tier.")
  public String tier;

  @Required
  @JsonPropertyDescription("Name of the ladder level this check's failure requires.")
  public String escalatesTo;

  @Default("false")
  @JsonPropertyDescription("A gate (e.g. the provider is online): while it is not passing, whether failing or unobservable, no level gentler than its escalatesTo level starts.")
  public boolean gate;

  @Default("10")
  @Min(1)
  @Max(86400)
  public int periodSeconds = 10;

  @Default("5")
  @Min(1)
  @Max(3600)
  public int timeoutSeconds = 5;

  @Default("3")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Consecutive failed probes after which the check is failing.")
  public int failureThreshold = 3;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Consecutive successful probes after which a failing check is healthy again.")
  public int successThreshold = 1;

  public HttpProbeSpec http;
  public TcpProbeSpec tcp;
  public IcmpProbeSpec icmp;
  public PrometheusProbeSpec prometheus;
  public AlertProbeSpec alert;
  public KubernetesProbeSpec kubernetes;
  public OpenStackProbeSpec openstack;
}
