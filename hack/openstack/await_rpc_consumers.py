"""Wait until each named RabbitMQ queue has at least one consumer.

Usage: await_rpc_consumers.py TIMEOUT_SECONDS QUEUE [QUEUE...]

A Nova service declares its RPC queue only once it is ready to serve:
"conductor" and "scheduler" right after start-up, "compute.<host>" only
after nova-compute has initialised its host and reported its resources to
Placement. A consumer on a queue is therefore a better "ready" signal than
the API's service list, whose "up" is derived from a heartbeat timestamp
that is still fresh from the previous run right after a restart.
"""
import sys
import time

import kombu

BROKER = 'amqp://guest:guest@127.0.0.1:5672//'


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    deadline = time.monotonic() + float(argv[1])
    waiting = list(argv[2:])
    last_error = None
    while waiting:
        try:
            with kombu.Connection(BROKER, connect_timeout=2) as conn:
                channel = conn.channel()
                while waiting:
                    # passive: fails (and closes the channel) if the queue
                    # does not exist yet; never creates it
                    declared = channel.queue_declare(queue=waiting[0],
                                                     passive=True)
                    if declared.consumer_count < 1:
                        raise LookupError('no consumer on ' + waiting[0])
                    waiting.pop(0)
        except Exception as error:  # broker or queue not there yet
            last_error = error
            if time.monotonic() > deadline:
                sys.exit('still no consumer on %s after %ss (last: %s)'
                         % (', '.join(waiting), argv[1], last_error))
            time.sleep(0.2)


if __name__ == '__main__':
    main(sys.argv)
