package dev.escalator.operator.openstack.sim;

/**
 * An OpenStack API error: the status, a service-specific type ({@code itemNotFound} for Nova,
 * {@code NetworkNotFound} for Neutron) and a message. Each service renders it in its own wire
 * format, as the real ones do.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String type;

  ApiError(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "badRequest", message);
  }

  static ApiError unauthorized() {
    return new ApiError(401, "Unauthorized", "The request you have made requires authentication.");
  }

  static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  static ApiError notFound(String type, String message) {
    return new ApiError(404, type, message);
  }

  static ApiError conflict(String type, String message) {
    return new ApiError(409, type, message);
  }
}
