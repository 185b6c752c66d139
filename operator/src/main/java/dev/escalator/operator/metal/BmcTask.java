package dev.escalator.operator.metal;

/** Where a BMC's asynchronous task stands (a Redfish task monitor). */
public record BmcTask(boolean finished, boolean succeeded, String message) {
  static BmcTask running(String message) {
    return new BmcTask(false, false, message);
  }

  static BmcTask succeeded(String message) {
    return new BmcTask(true, true, message);
  }

  static BmcTask failed(String message) {
    return new BmcTask(true, false, message);
  }
}
