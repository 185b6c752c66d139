package dev.escalator.operator.metal;

/**
 * One host's baseboard management controller. Each call is one bounded exchange with the BMC
 * (the driver's call timeout caps it) and either returns what the BMC said or throws a {@link
 * BmcException} naming the BMC, the call and the error, never a credential. Calls block: callers
 * that must not wait run them on their own threads.
 */
public interface Bmc extends AutoCloseable {
  /** The BMC for messages: protocol and address, never credentials. */
  String describe();

  /** The host's power state (and boot progress where the BMC reports it). */
  HostPower power() throws BmcException;

  /** Asks for a power change; the change itself may take a while: poll {@link #power()}. */
  BmcReply power(PowerAction action) throws BmcException;

  /** Sets a one-time boot override: the next boot only is from {@code device}. */
  BmcReply bootOnce(BootDevice device, boolean uefi) throws BmcException;

  /** Inserts {@code imageUrl} as the virtual CD, ejecting another image first; nothing when it is already in. */
  BmcReply insertMedia(String imageUrl) throws BmcException;

  /** Ejects the virtual CD; nothing when none is inserted. */
  BmcReply ejectMedia() throws BmcException;

  /** Where the task behind a {@link BmcReply#taskMonitor()} stands. */
  BmcTask task(String monitor) throws BmcException;

  /** Ends any session held with the BMC; never throws. */
  @Override
  void close();
}
