package dev.escalator.operator.metal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.escalator.operator.api.BareMetalHostSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.Patterns;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * escalation-examples/bare-metal-hosts/ holds the BareMetalHosts (and their login Secrets) that
 * the bare-metal.yaml Environment draws from: every host is well formed, its BMC address is one
 * its driver accepts, and every pool and selector the Environment's metal levels name is filled.
 * (EscalationExamplesTest validates bare-metal.yaml itself as an Environment.)
 */
class BareMetalExamplesTest {
  private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Path EXAMPLES = Path.of(System.getProperty("escalator.examples.dir", "../escalation-examples"));

  private static List<JsonNode> documents(Path file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = STRICT.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) docs.add(doc);
      }
    }
    return docs;
  }

  @Test
  void hostsAreWellFormedAndTheirBmcAddressesUsable() throws Exception {
    List<JsonNode> docs = documents(EXAMPLES.resolve("bare-metal-hosts/hosts.yaml"));
    Map<String, JsonNode> secrets = docs.stream().filter(d -> d.path("kind").asText().equals("Secret"))
        .collect(Collectors.toMap(d -> d.path("metadata").path("name").asText(), d -> d));
    List<JsonNode> hosts = docs.stream().filter(d -> d.path("kind").asText().equals("BareMetalHost")).toList();
    assertThat(hosts).hasSizeGreaterThanOrEqualTo(4);
    assertThat(docs).allSatisfy(d -> assertThat(d.path("kind").asText()).isIn("Secret", "BareMetalHost"));

    for (JsonNode doc : hosts) {
      String name = doc.path("metadata").path("name").asText();
      assertThat(doc.path("apiVersion").asText()).isEqualTo("escalator.dev/v1alpha1");
      assertThat(name).matches(Patterns.NAME);
      // A misspelt field would be dropped by a lenient reader; the strict one names it.
      BareMetalHostSpec spec = STRICT.treeToValue(doc.path("spec"), BareMetalHostSpec.class);
      assertThat(spec.pool).as(name).matches(Patterns.NAME);
      assertThat(spec.address).as(name).isNotBlank();
      assertThat(spec.bootMACAddress).as(name).matches("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$");
      assertThat(secrets).as("%s's credentialsSecret", name).containsKey(spec.bmc.credentialsSecret);
      assertThat(secrets.get(spec.bmc.credentialsSecret).path("stringData").has("username")).isTrue();
      assertThat(secrets.get(spec.bmc.credentialsSecret).path("stringData").has("password")).isTrue();
      BmcCredentials login = new BmcCredentials("u", "p");
      // The drivers refuse an address they cannot use; constructing one makes no call.
      switch (spec.bmc.protocol) {
        case redfish -> new RedfishBmc(HttpClient.newHttpClient(), spec.bmc.address, login, Duration.ofSeconds(1));
        case ipmi -> new IpmiBmc(IpmiBmc.DEFAULT_TOOL, spec.bmc.address, login, Duration.ofSeconds(1));
      }
      if (spec.provisioning != null && spec.provisioning.bootTarget == dev.escalator.operator.api.HostProvisioningSpec.BootTarget.virtualMedia) {
        assertThat(spec.bmc.protocol).as("%s: virtual media needs Redfish", name).isEqualTo(dev.escalator.operator.api.BmcProtocol.redfish);
        assertThat(spec.provisioning.image).as("%s: virtual media needs an image", name).isNotBlank();
      }
    }
  }

  @Test
  void everyMetalLevelOfTheExampleFindsHostsInItsPool() throws Exception {
    Environment env = Serialization.unmarshal(Files.readString(EXAMPLES.resolve("bare-metal.yaml")), Environment.class);
    List<BareMetalHostSpec> hosts = new ArrayList<>();
    for (JsonNode doc : documents(EXAMPLES.resolve("bare-metal-hosts/hosts.yaml"))) {
      if (doc.path("kind").asText().equals("BareMetalHost")) {
        assertThat(doc.path("metadata").path("namespace").asText()).as("hosts live in the Environment's namespace")
            .isEqualTo(env.getMetadata().getNamespace());
        hosts.add(STRICT.treeToValue(doc.path("spec"), BareMetalHostSpec.class));
      }
    }
    int tierSize = env.getSpec().tiers.stream().mapToInt(t -> t.size).sum();
    List<LevelSpec> metal = env.getSpec().ladder.stream().filter(l -> l.action.metal != null).toList();
    assertThat(metal).isNotEmpty();
    for (LevelSpec level : metal) {
      Map<String, String> selector = level.action.metal.hostSelector == null ? Map.of() : level.action.metal.hostSelector;
      long matching = hosts.stream()
          .filter(h -> h.pool.equals(level.action.metal.pool))
          .filter(h -> selector.entrySet().stream().allMatch(e -> e.getValue().equals(h.labels == null ? null : h.labels.get(e.getKey()))))
          .count();
      assertThat(matching).as("level %s: hosts for the tier's %d nodes and at least one spare", level.name, tierSize)
          .isGreaterThan(tierSize);
    }
    assertThat(Set.of("powerCycle", "reprovision", "replace"))
        .containsAll(metal.stream().flatMap(l -> l.action.metal.strategy.stream()).map(Enum::name).toList());
  }
}
