package dev.escalator.operator.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One cloud entry of a standard {@code clouds.yaml}: Keystone v3 password authentication. The
 * password never leaves this object: {@link #toString()} leaves it out, and parse errors name keys,
 * never values.
 */
public record CloudCredentials(
    String authUrl,
    String username,
    String password,
    String userDomain,
    String projectName,
    String projectDomain,
    String region,
    boolean insecure) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public CloudCredentials {
    Objects.requireNonNull(authUrl, "authUrl");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /**
   * The cloud named {@code cloud} in {@code cloudsYaml}.
   *
   * @throws OpenStackConfigException naming what is missing or unsupported
   */
  public static CloudCredentials parse(String cloudsYaml, String cloud) throws OpenStackConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(cloudsYaml == null ? "" : cloudsYaml);
    } catch (Exception e) {
      throw new OpenStackConfigException("clouds.yaml is not valid YAML");
    }
    JsonNode clouds = root == null ? null : root.get("clouds");
    if (clouds == null || !clouds.isObject()) throw new OpenStackConfigException("clouds.yaml has no 'clouds' map");
    JsonNode entry = clouds.get(cloud);
    if (entry == null || !entry.isObject()) {
      List<String> names = new ArrayList<>();
      clouds.fieldNames().forEachRemaining(names::add);
      throw new OpenStackConfigException("clouds.yaml has no cloud '" + cloud + "' (clouds: " + String.join(", ", names) + ")");
    }
    String authType = text(entry, "auth_type");
    if (authType != null && !authType.equals("password") && !authType.equals("v3password")) {
      throw new OpenStackConfigException("cloud '" + cloud + "': auth_type " + authType + " is not supported (password is)");
    }
    String version = text(entry, "identity_api_version");
    if (version != null && !version.startsWith("3")) {
      throw new OpenStackConfigException("cloud '" + cloud + "': identity_api_version " + version + " is not supported (3 is)");
    }
    JsonNode auth = entry.get("auth");
    if (auth == null || !auth.isObject()) throw new OpenStackConfigException("cloud '" + cloud + "' has no 'auth' section");
    String authUrl = required(auth, "auth_url", cloud);
    if (!authUrl.matches("^https?://.+")) throw new OpenStackConfigException("cloud '" + cloud + "': auth.auth_url is not an http(s) URL");
    if (!authUrl.replaceAll("/+$", "").endsWith("/v3")) authUrl = authUrl.replaceAll("/+$", "") + "/v3";
    String userDomain = domain(auth, "user_domain");
    String projectDomain = domain(auth, "project_domain");
    JsonNode verify = entry.get("verify");
    return new CloudCredentials(
        authUrl,
        required(auth, "username", cloud),
        required(auth, "password", cloud),
        userDomain == null ? "Default" : userDomain,
        firstOf(auth, "project_name", "tenant_name"),
        projectDomain == null ? "Default" : projectDomain,
        text(entry, "region_name"),
        verify != null && verify.isBoolean() && !verify.booleanValue());
  }

  private static String required(JsonNode auth, String key, String cloud) throws OpenStackConfigException {
    String value = text(auth, key);
    if (value == null || value.isEmpty()) throw new OpenStackConfigException("cloud '" + cloud + "': auth." + key + " is required");
    return value;
  }

  /** A domain by name, or by id as {@code id:<id>} (see OpenStackClouds.identifier). */
  private static String domain(JsonNode auth, String prefix) {
    String name = firstOf(auth, prefix + "_name", "domain_name");
    if (name != null) return name;
    String id = firstOf(auth, prefix + "_id", "domain_id");
    return id == null ? null : "id:" + id;
  }

  private static String firstOf(JsonNode node, String... keys) {
    for (String key : keys) {
      String value = text(node, key);
      if (value != null && !value.isEmpty()) return value;
    }
    return null;
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  /** A key for caches and circuit breakers: the endpoint and user, never the password. */
  public String endpointKey() {
    return authUrl + " " + userDomain + "/" + username;
  }

  @Override
  public String toString() {
    return "CloudCredentials[" + authUrl + ", user " + userDomain + "/" + username + ", project " + projectDomain + "/" + projectName + "]";
  }
}
