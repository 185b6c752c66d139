package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Repairs one node's server. The strategy follows the attempt: attempt 1 uses the first strategy,
 * attempt 2 the second, and so on, the last one repeating. A server that no longer exists is always
 * recreated.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackServerActionSpec {
  @Size(min = 1, max = 3)
  @JsonPropertyDescription("Strategies in order of attempts: reboot (hard), rebuild (same image), recreate (delete and create with the same name and fixed IP). Default [reboot, rebuild, recreate].")
  public List<ServerStrategy> strategies = new ArrayList<>(List.of(ServerStrategy.reboot, ServerStrategy.rebuild, ServerStrategy.recreate));
}
