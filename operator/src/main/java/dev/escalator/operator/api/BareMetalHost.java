package dev.escalator.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One physical server that metal levels may claim: its BMC, boot MAC, pool and provisioning, and
 * (in status) who holds it and what was last done to it. Hosts live in the namespace of the
 * Environments that claim them.
 */
@Group(Environment.GROUP)
@Version(Environment.VERSION)
@ShortNames({"bmh"})
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pool", jsonPath = ".spec.pool", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Environment", jsonPath = ".status.claimedBy.environment", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.claimedBy.node", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last-Action", jsonPath = ".status.lastAction.action", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class BareMetalHost extends CustomResource<BareMetalHostSpec, BareMetalHostStatus> implements Namespaced {
  @Override
  protected BareMetalHostSpec initSpec() {
    return new BareMetalHostSpec();
  }

  @Override
  protected BareMetalHostStatus initStatus() {
    return new BareMetalHostStatus();
  }
}
