package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes the environment's tiers hold. With a static list they are declared here; provider
 * levels (OpenStack, metal) record the nodes they create in status.inventory instead.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InventorySpec {
  @Size(max = 1000)
  @JsonPropertyDescription("Statically known nodes.")
  public List<NodeSpec> nodes = new ArrayList<>();
}
