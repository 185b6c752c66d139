package dev.escalator.operator.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Visits every string value of a JSON tree with its field path, the way specs are templated and
 * validated: {@code spec.checks[2].http.url}, {@code ...headers["X-Token"]} for keys that are not
 * identifiers.
 */
public final class JsonStrings {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private JsonStrings() {}

  public static void visit(JsonNode node, String path, BiConsumer<String, String> visitor) {
    if (node == null) return;
    if (node.isTextual()) {
      visitor.accept(path, node.textValue());
    } else if (node.isObject()) {
      node.properties().forEach(f -> visit(f.getValue(), child(path, f.getKey()), visitor));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) visit(node.get(i), path + "[" + i + "]", visitor);
    }
  }

  /** {@code a.b} for plain keys, {@code a["X-Token"]} for map keys that are not identifiers. */
  public static String child(String path, String key) {
    return PLAIN_KEY.matcher(key).matches() ? path + "." + key : path + "[\"" + key + "\"]";
  }
}
