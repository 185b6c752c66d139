package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where the environment lives on OpenStack. The credentials are a standard {@code clouds.yaml} in a
 * Secret of the Environment's namespace (Keystone v3 password auth); the environment's own project
 * is {@code project} (default: the Environment's name), created by the project level when the
 * credentials may create projects.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackCloudSpec {
  @Required
  @Pattern(Patterns.NAME)
  @JsonPropertyDescription("Secret in the Environment's namespace holding clouds.yaml.")
  public String credentialsSecret;

  @Default("clouds.yaml")
  @JsonPropertyDescription("Key of the Secret that holds clouds.yaml.")
  public String secretKey = "clouds.yaml";

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Name of the cloud entry in clouds.yaml.")
  public String cloud;

  @Size(max = 64)
  @JsonPropertyDescription("The environment's Keystone project. Defaults to <namespace>-<environment name>.")
  public String project;

  @Default("Default")
  @JsonPropertyDescription("Domain of the environment's project.")
  public String projectDomain = "Default";

  @Default("public")
  @JsonPropertyDescription("External network that routers use as their gateway.")
  public String externalNetwork = "public";
}
