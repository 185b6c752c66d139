package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Default;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackProjectActionSpec {
  @Default("member")
  @JsonPropertyDescription("Role the credentials' user gets on the new project so the later levels can act in it (default member).")
  public String role = "member";

  @JsonPropertyDescription("Compute and network quotas to set on the project, e.g. instances: 20, cores: 40, ram: 81920, ports: 100.")
  public Map<String, @Min(-1) Integer> quotas;

  @JsonPropertyDescription("Description set on the project.")
  public String description;
}
