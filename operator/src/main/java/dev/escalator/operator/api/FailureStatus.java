package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One failing check target that took part in a plan. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureStatus {
  public String check;
  public String target;
  public String level;
}
