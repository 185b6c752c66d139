package dev.escalator.operator.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the API server does with an object against a CRD's OpenAPI v3 schema, for the subset of the
 * schema language the Environment CRD uses: it applies {@code default}s, then checks types
 * (including {@code x-kubernetes-int-or-string}), {@code required}, {@code enum}, {@code pattern},
 * {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength}, {@code
 * minItems}/{@code maxItems}, {@code additionalProperties}, and rejects unknown fields where the
 * schema lists the properties (kubectl's default strict field validation; {@code
 * x-kubernetes-preserve-unknown-fields} lets them through). {@code apiVersion}, {@code kind} and
 * {@code metadata} are the API server's own business and are not checked here. It also collects
 * every {@code x-kubernetes-validations} rule with the value it applies to, for a CEL evaluator.
 */
final class CrdSchema {
  /** A CEL rule of the schema and the (defaulted) value it must hold for, at {@code path}. */
  record RuleSite(String path, String rule, String message, JsonNode self) {}

  record Result(List<String> problems, List<RuleSite> rules, JsonNode defaulted) {}

  private static final Map<String, String> TYPES = Map.of("object", "an object", "array", "an array", "string", "a string",
      "integer", "an integer", "number", "a number", "boolean", "a boolean");

  private static final java.util.Set<String> ROOT_FIELDS = java.util.Set.of("apiVersion", "kind", "metadata");

  private final JsonNode root;
  private final List<String> problems = new ArrayList<>();
  private final List<RuleSite> rules = new ArrayList<>();

  private CrdSchema(JsonNode openApiV3Schema) {
    this.root = openApiV3Schema;
  }

  /** The openAPIV3Schema of the CRD's version {@code version}. */
  static JsonNode schemaOf(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (version.equals(v.path("name").asText())) return v.path("schema").path("openAPIV3Schema");
    }
    throw new IllegalArgumentException("no version " + version + " in the CRD");
  }

  static Result validate(JsonNode openApiV3Schema, JsonNode object) {
    CrdSchema s = new CrdSchema(openApiV3Schema);
    JsonNode copy = object.deepCopy();
    s.check(s.root, copy, "");
    return new Result(List.copyOf(s.problems), List.copyOf(s.rules), copy);
  }

  private void check(JsonNode schema, JsonNode value, String path) {
    if (value == null || value.isNull()) {
      if (!schema.path("nullable").asBoolean()) problems.add(at(path) + "must not be null");
      return;
    }
    String type = schema.path("type").asText("");
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isIntegralNumber() && !value.isTextual()) problems.add(at(path) + "must be an integer or a string");
    } else if (!type.isEmpty() && !hasType(value, type)) {
      problems.add(at(path) + "must be " + TYPES.getOrDefault(type, type) + ", got " + value.getNodeType().name().toLowerCase());
      return;
    }
    if (value.isObject()) object(schema, (ObjectNode) value, path);
    if (value.isArray()) array(schema, (ArrayNode) value, path);
    scalar(schema, value, path);
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      rules.add(new RuleSite(path.isEmpty() ? "<root>" : path, v.path("rule").asText(), v.path("message").asText(null), value));
    }
  }

  private void object(JsonNode schema, ObjectNode value, String path) {
    JsonNode properties = schema.path("properties");
    // Defaults first, as the API server applies them before it validates.
    for (Map.Entry<String, JsonNode> p : properties.properties()) {
      if (!value.has(p.getKey()) && p.getValue().has("default")) value.set(p.getKey(), p.getValue().get("default").deepCopy());
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) problems.add(at(path) + "required field " + required.asText() + " is missing");
    }
    JsonNode additional = schema.get("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      // apiVersion, kind and metadata are the API server's own, whether the schema lists them or not.
      if (path.isEmpty() && ROOT_FIELDS.contains(field.getKey())) continue;
      JsonNode fieldSchema = properties.get(field.getKey());
      if (fieldSchema != null) {
        check(fieldSchema, field.getValue(), child);
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), child);
      } else if (!preserve && (properties.size() > 0 || (additional != null && additional.isBoolean() && !additional.asBoolean()))) {
        problems.add(at(child) + "unknown field");
      }
    }
  }

  private void array(JsonNode schema, ArrayNode value, String path) {
    if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
      problems.add(at(path) + "must have at least " + schema.get("minItems").asInt() + " items");
    }
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      problems.add(at(path) + "must have at most " + schema.get("maxItems").asInt() + " items");
    }
    JsonNode items = schema.get("items");
    if (items == null) return;
    for (int i = 0; i < value.size(); i++) check(items, value.get(i), path + "[" + i + "]");
  }

  private void scalar(JsonNode schema, JsonNode value, String path) {
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) found |= e.equals(value);
      if (!found) problems.add(at(path) + "must be one of " + schema.get("enum") + ", got " + value);
    }
    if (value.isTextual()) {
      String s = value.asText();
      if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
        problems.add(at(path) + "'" + s + "' does not match " + schema.get("pattern").asText());
      }
      if (schema.has("maxLength") && s.codePointCount(0, s.length()) > schema.get("maxLength").asInt()) {
        problems.add(at(path) + "longer than " + schema.get("maxLength").asInt());
      }
      if (schema.has("minLength") && s.codePointCount(0, s.length()) < schema.get("minLength").asInt()) {
        problems.add(at(path) + "shorter than " + schema.get("minLength").asInt());
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
        problems.add(at(path) + value + " is below the minimum " + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
        problems.add(at(path) + value + " is above the maximum " + schema.get("maximum"));
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> throw new IllegalStateException("schema type " + type + " is not supported by this validator");
    };
  }

  private static String at(String path) {
    return (path.isEmpty() ? "<root>" : path) + ": ";
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}
