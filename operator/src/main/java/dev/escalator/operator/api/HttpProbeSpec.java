package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpProbeSpec {
  @Required
  @Pattern("^https?://.+")
  public String url;

  @Default("GET")
  @Pattern("^(GET|HEAD|POST)$")
  public String method = "GET";

  @JsonPropertyDescription("Status codes that pass; defaults to 200-399.")
  public List<Integer> expectStatus;

  @JsonPropertyDescription("Regular expression the response body must contain a match of.")
  public String bodyRegex;

  @JsonPropertyDescription("Request headers.")
  public Map<String, String> headers;

  @JsonPropertyDescription("Response headers that must be present with a value matching the given regular expression.")
  public Map<String, String> expectHeaders;

  @Default("false")
  @JsonPropertyDescription("Accept any TLS certificate (self-signed test endpoints only).")
  public boolean insecureSkipVerify;
}
