package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A PromQL instant query. Without a threshold the check fails when the result is non-empty
 * (alert-style expressions); with one, it fails when any sample violates it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusProbeSpec {
  @Required
  @Pattern("^https?://.+")
  @JsonPropertyDescription("Base URL of the Prometheus server, e.g. http://prometheus:9090.")
  public String url;

  @Required
  public String query;

  @JsonPropertyDescription("Healthy when every sample satisfies 'value <op> threshold'.")
  public ThresholdSpec threshold;
}
