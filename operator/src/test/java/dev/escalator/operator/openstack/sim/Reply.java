package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer: status, headers and body bytes ({@code null} for none, as 204 and HEAD need). */
record Reply(int status, Map<String, String> headers, byte[] body) {
  static final String JSON = "application/json";

  static Reply json(int status, JsonNode body) {
    try {
      return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", JSON)), Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  static Reply text(int status, String contentType, String body) {
    return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", contentType)), body.getBytes(StandardCharsets.UTF_8));
  }

  static Reply empty(int status) {
    return new Reply(status, new LinkedHashMap<>(), null);
  }

  Reply header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Reply(status, copy, body);
  }
}
