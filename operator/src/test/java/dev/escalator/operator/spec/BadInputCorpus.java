package dev.escalator.operator.spec;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.openstack.OpenStackProvider;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The malformed and hostile Environments under {@code src/test/resources/bad-input/}: each file is a
 * whole Environment whose first line says which field the operator must name and what it must say,
 * {@code # expect: <field path> | <message substring>}.
 */
public final class BadInputCorpus {
  /** Every corpus URL points here; a whole-operator test replaces it with a local server that counts calls. */
  public static final String SINK = "http://escalator-sink";

  private BadInputCorpus() {}

  /** One corpus input: its file name, the Environment's YAML and what the rejection must say. */
  public record Entry(String file, String yaml, String field, String message) {
    /** A distinct Kubernetes name for this input, derived from its file name. */
    public String name() {
      String base = file.replace(".yaml", "");
      return ("bad-" + base).substring(0, Math.min(63, base.length() + 4)).replaceAll("-+$", "");
    }

    public Environment environment() {
      return Serialization.unmarshal(yaml, Environment.class);
    }

    @Override
    public String toString() {
      return file;
    }
  }

  public static List<Entry> entries() {
    Path dir = Path.of(System.getProperty("escalator.badinput.dir", "src/test/resources/bad-input"));
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().map(BadInputCorpus::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Entry read(Path file) {
    try {
      String yaml = Files.readString(file);
      String first = yaml.lines().findFirst().orElse("");
      String prefix = "# expect: ";
      if (!first.startsWith(prefix) || !first.contains(" | ")) {
        throw new IllegalArgumentException(file + ": first line must be '# expect: <field path> | <message substring>'");
      }
      String[] parts = first.substring(prefix.length()).split(" \\| ", 2);
      return new Entry(file.getFileName().toString(), yaml, parts[0].trim(), parts[1].trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The check validator exactly as the operator builds it: the standard probes plus OpenStack's. */
  public static Function<List<dev.escalator.operator.api.CheckSpec>, List<SpecProblem>> checkValidator() {
    return new CheckExpansion(CheckTypes.standard(null).with(OpenStackProvider.checkType(null, null)))::validate;
  }
}
