package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ThresholdSpec {
  @Required
  @Pattern("^(<|<=|>|>=|==|!=)$")
  public String op;

  @Required
  public double value;
}
