package dev.escalator.operator.openstack.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.image.v2.Image;

/** openstack4j against the simulated Glance, and the Placement stub's answer. */
class GlanceSimulationTest {
  private OpenStackSimulator sim;
  private OSClientV3 os;

  @BeforeEach
  void start() {
    sim = new OpenStackSimulator().start();
    os = Clients.member(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void theCirrosImageIsListedFoundByNameAndGot() {
    assertThat(os.imagesV2().list()).singleElement().satisfies(i -> {
      assertThat(i.getName()).isEqualTo(OpenStackSimulator.IMAGE);
      assertThat(i.getStatus()).isEqualTo(Image.ImageStatus.ACTIVE);
      assertThat(i.getVisibility()).isEqualTo(Image.ImageVisibility.PUBLIC);
    });
    assertThat(os.imagesV2().list(Map.of("name", OpenStackSimulator.IMAGE))).extracting(Image::getId).containsExactly(sim.imageId());
    assertThat(os.imagesV2().list(Map.of("name", "ubuntu"))).isEmpty();
    assertThat(os.imagesV2().get(sim.imageId()).getDiskFormat().name()).isEqualTo("QCOW2");
    assertThat(os.imagesV2().get("missing")).isNull();
  }

  @Test
  void novaProxiesTheImageTooSoServerGetImageWorks() {
    assertThat(os.compute().images().get(sim.imageId()).getName()).isEqualTo(OpenStackSimulator.IMAGE);
  }

  @Test
  void placementAnswersItsVersionAndOneProviderPerHypervisor() throws Exception {
    HttpResponse<String> providers = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(sim.endpoint(Service.PLACEMENT) + "/resource_providers")).header("X-Auth-Token", os.getToken().getId()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(providers.statusCode()).isEqualTo(200);
    assertThat(providers.body()).contains("sim-compute-1", "sim-compute-2", "sim-compute-3");
  }
}
