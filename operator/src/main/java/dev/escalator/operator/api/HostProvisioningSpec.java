package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostProvisioningSpec {
  @Default("pxe")
  @JsonPropertyDescription("pxe: boot once from the network (the PXE/iPXE server installs the host). virtualMedia: insert image as the BMC's virtual CD and boot once from it.")
  public BootTarget bootTarget = BootTarget.pxe;

  @Pattern("^https?://.+")
  @JsonPropertyDescription("Installer image URL for virtualMedia, reachable by the BMC. A metal level's image takes precedence.")
  public String image;

  @Default("UEFI")
  @JsonPropertyDescription("Firmware boot mode for the one-time boot override: UEFI or Legacy.")
  public BootMode bootMode = BootMode.UEFI;

  /** Where the host boots from, once, to be reinstalled. */
  public enum BootTarget {
    pxe,
    virtualMedia
  }

  public enum BootMode {
    UEFI,
    Legacy
  }
}
