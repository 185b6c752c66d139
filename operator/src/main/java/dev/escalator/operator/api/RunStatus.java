package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One target's share of a step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunStatus {
  public String target;

  @JsonPropertyDescription("Starting, Running, Succeeded or Failed.")
  public String state;

  @JsonPropertyDescription("What the action recorded to find its work again (e.g. a Job name); never a secret.")
  public String handle;

  public String message;
}
