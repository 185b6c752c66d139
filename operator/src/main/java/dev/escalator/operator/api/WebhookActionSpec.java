package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookActionSpec {
  @Required
  @Pattern("^https?://.+")
  @JsonPropertyDescription("URL to call. May use ${environment}, ${namespace}, ${level}, ${escalationId}, ${tier} and ${node.name} templates.")
  public String url;

  @Default("POST")
  @Pattern("^(GET|POST|PUT|PATCH)$")
  public String method = "POST";

  @JsonPropertyDescription("Extra request headers (not secret values: use headersFromSecret).")
  public Map<String, String> headers;

  @JsonPropertyDescription("Name of a Secret in the Environment's namespace whose keys are sent as request headers (e.g. Authorization). Values never reach logs, events or status.")
  public String headersFromSecret;

  @JsonPropertyDescription("Request body; templated like url. Defaults to a JSON document describing the escalation step.")
  public String body;

  @JsonPropertyDescription("HTTP status codes that count as accepted; defaults to any 2xx.")
  public List<Integer> successStatus;

  @JsonPropertyDescription("When set, the call only starts the work; the step completes when this status endpoint says so.")
  public WebhookCompletionSpec completion;
}
