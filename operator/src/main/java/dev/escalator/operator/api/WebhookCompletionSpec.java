package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookCompletionSpec {
  @Required
  @Pattern("^https?://.+")
  @JsonPropertyDescription("URL polled for completion; templated like the webhook url, plus ${response.<field>} from the first call's JSON response (e.g. a job id).")
  public String statusUrl;

  @Required
  @JsonPropertyDescription("Regular expression: the step succeeded when the status response body matches it.")
  public String successRegex;

  @JsonPropertyDescription("Regular expression: the step failed when the status response body matches it.")
  public String failureRegex;

  @Default("5s")
  @Pattern(Patterns.DURATION)
  public String interval = "5s";
}
