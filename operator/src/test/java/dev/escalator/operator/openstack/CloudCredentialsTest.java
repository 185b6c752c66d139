package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CloudCredentialsTest {
  private static final String CLOUDS = """
      clouds:
        prod:
          auth:
            auth_url: https://keystone.example.com:5000
            username: escalator
            password: s3cr3t-value
            project_name: ops
            user_domain_name: Users
            project_domain_id: d0d0
          region_name: RegionTwo
          verify: false
        appcred:
          auth_type: v3applicationcredential
          auth: {auth_url: https://k.example.com/v3}
      """;

  @Test
  void readsACloudEntryAddingV3AndKeepingDomainIdsApart() throws Exception {
    CloudCredentials c = CloudCredentials.parse(CLOUDS, "prod");
    assertThat(c.authUrl()).isEqualTo("https://keystone.example.com:5000/v3");
    assertThat(c.username()).isEqualTo("escalator");
    assertThat(c.userDomain()).isEqualTo("Users");
    assertThat(c.projectDomain()).isEqualTo("id:d0d0");
    assertThat(c.projectName()).isEqualTo("ops");
    assertThat(c.region()).isEqualTo("RegionTwo");
    assertThat(c.insecure()).isTrue();
    assertThat(c.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void namesWhatIsMissingOrUnsupportedNeverAValue() {
    assertThatThrownBy(() -> CloudCredentials.parse(CLOUDS, "dev")).hasMessage("clouds.yaml has no cloud 'dev' (clouds: prod, appcred)");
    assertThatThrownBy(() -> CloudCredentials.parse(CLOUDS, "appcred"))
        .hasMessage("cloud 'appcred': auth_type v3applicationcredential is not supported (password is)");
    assertThatThrownBy(() -> CloudCredentials.parse("clouds: {x: {auth: {auth_url: 'http://k/v3', username: u}}}", "x"))
        .hasMessage("cloud 'x': auth.password is required");
    assertThatThrownBy(() -> CloudCredentials.parse("clouds: {x: {auth: {auth_url: 'ftp://k', username: u, password: p}}}", "x"))
        .hasMessage("cloud 'x': auth.auth_url is not an http(s) URL");
    assertThatThrownBy(() -> CloudCredentials.parse("clouds: [unclosed", "x")).hasMessage("clouds.yaml is not valid YAML");
    assertThatThrownBy(() -> CloudCredentials.parse("other: 1", "x")).hasMessage("clouds.yaml has no 'clouds' map");
  }
}
