package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpProbeSpec {
  @Required
  public String host;

  @Required
  @Min(1)
  @Max(65535)
  public int port;
}
