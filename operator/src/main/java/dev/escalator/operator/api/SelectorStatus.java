package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Which part of the environment a planned step covers; resolved to targets when the step starts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SelectorStatus {
  public boolean all;
  public List<String> tiers;
  public List<String> nodes;
}
