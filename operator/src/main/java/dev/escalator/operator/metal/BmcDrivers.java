package dev.escalator.operator.metal;

import dev.escalator.operator.net.TrustAll;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The drivers in use: Redfish over one verifying and one trusting HttpClient (shared by every
 * Redfish BMC), IPMI through the ipmitool binary. A driver is kept per target, so a Redfish
 * session is reused until the target (address, credentials, timeout) changes.
 */
public final class BmcDrivers implements BmcConnector, AutoCloseable {
  private final String ipmitool;
  private final HttpClient verifying;
  private final HttpClient trusting;
  private final Map<BmcTarget, Bmc> open = new ConcurrentHashMap<>();

  public BmcDrivers() {
    this(IpmiBmc.DEFAULT_TOOL);
  }

  public BmcDrivers(String ipmitool) {
    this.ipmitool = Objects.requireNonNull(ipmitool, "ipmitool");
    this.verifying = client(null);
    this.trusting = client(TrustAll.context());
  }

  @Override
  public Bmc connect(BmcTarget target) {
    Bmc existing = open.get(target);
    if (existing != null) return existing;
    Bmc created = switch (target.protocol()) {
      case redfish -> new RedfishBmc(target.insecureSkipVerify() ? trusting : verifying, target.address(), target.credentials(), target.callTimeout());
      case ipmi -> new IpmiBmc(ipmitool, target.address(), target.credentials(), target.callTimeout());
    };
    // A target whose credentials changed is a new key: the old driver's session is ended.
    open.entrySet().removeIf(e -> {
      boolean stale = e.getKey().address().equals(target.address()) && e.getKey().protocol() == target.protocol();
      if (stale) e.getValue().close();
      return stale;
    });
    Bmc raced = open.putIfAbsent(target, created);
    if (raced != null) {
      created.close();
      return raced;
    }
    return created;
  }

  @Override
  public void close() {
    open.values().forEach(Bmc::close);
    open.clear();
    verifying.close();
    trusting.close();
  }

  private static HttpClient client(SSLContext tls) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) builder.sslContext(tls);
    return builder.build();
  }

}
