package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Map;

/** Fails while Alertmanager holds an active (firing, not silenced) alert matching all labels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertProbeSpec {
  @Required
  @Pattern("^https?://.+")
  @JsonPropertyDescription("Base URL of Alertmanager, e.g. http://alertmanager:9093.")
  public String alertmanagerUrl;

  @Required
  @JsonPropertyDescription("Label equality matchers, e.g. alertname: InstanceDown, instance: ${node.address}:9100.")
  public Map<String, String> matchers;
}
