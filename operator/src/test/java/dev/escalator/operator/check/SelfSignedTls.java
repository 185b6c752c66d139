package dev.escalator.operator.check;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server TLS context with a self-signed certificate, made at test time by the JDK's keytool. */
final class SelfSignedTls {
  /**
   * The only name in the certificate. Servers are reached as 127.0.0.1, so a verifying client
   * rejects both the issuer and the name; a trusting one must skip both checks.
   */
  static final String NAME = "escalator-test.invalid";

  private SelfSignedTls() {}

  static SSLContext serverContext(Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    char[] password = "changeit".toCharArray();
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=" + NAME, "-ext", "SAN=dns:" + NAME,
            "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
            "-storepass", new String(password), "-keypass", new String(password)))
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }
}
