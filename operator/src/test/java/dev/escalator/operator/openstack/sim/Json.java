package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** JSON building and reading for the simulated APIs, and the timestamp formats each service uses. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Keystone: microseconds and Z, {@code 2024-05-01T10:00:00.000000Z}. */
  private static final DateTimeFormatter KEYSTONE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  /** Nova's launched_at: microseconds and no zone at all, as Nova writes it. */
  private static final DateTimeFormatter NOVA_USAGE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private Json() {}

  static ObjectNode obj() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode arr() {
    return MAPPER.createArrayNode();
  }

  static ArrayNode strings(Collection<String> values) {
    ArrayNode a = arr();
    values.forEach(a::add);
    return a;
  }

  static ObjectNode map(Map<String, String> values) {
    ObjectNode o = obj();
    values.forEach(o::put);
    return o;
  }

  /** Seconds and Z, as Nova, Neutron and Glance write timestamps. */
  static String seconds(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String keystone(Instant t) {
    return KEYSTONE.format(t);
  }

  static String novaUsage(Instant t) {
    return t == null ? null : NOVA_USAGE.format(t);
  }

  static String text(JsonNode node, String field) {
    if (node == null) return null;
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static Boolean bool(JsonNode node, String field) {
    if (node == null) return null;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isTextual() && ("true".equalsIgnoreCase(v.asText()) || "false".equalsIgnoreCase(v.asText()))) return Boolean.parseBoolean(v.asText());
    throw ApiError.badRequest("Invalid input for " + field + ". Reason: '" + v.asText() + "' is not a valid boolean value.");
  }

  static Integer integer(JsonNode node, String field) {
    if (node == null) return null;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (v.canConvertToInt()) return v.intValue();
    if (v.isTextual()) {
      try {
        return Integer.parseInt(v.asText().strip());
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw ApiError.badRequest("Invalid input for " + field + ". Reason: '" + v.asText() + "' is not an integer.");
  }

  static List<String> stringList(JsonNode node, String field) {
    List<String> out = new ArrayList<>();
    if (node == null) return out;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return out;
    if (!v.isArray()) throw ApiError.badRequest("Invalid input for " + field + ". Reason: not a list.");
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** The object under {@code root} ({@code {"server": {...}}}), or 400 as the services answer a missing one. */
  static JsonNode root(JsonNode body, String root) {
    JsonNode inner = body == null ? null : body.get(root);
    if (inner == null || !inner.isObject()) throw ApiError.badRequest("Malformed request body: expected an object '" + root + "'.");
    return inner;
  }
}
