package dev.escalator.operator.net;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context behind every {@code insecureSkipVerify} (http checks, BMCs): it accepts any
 * certificate and any host name. It must be an X509ExtendedTrustManager: JSSE runs its own host
 * name check around a plain X509TrustManager.
 */
public final class TrustAll {
  private TrustAll() {}

  public static SSLContext context() {
    TrustManager trustAll = new X509ExtendedTrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context", e);
    }
  }
}
