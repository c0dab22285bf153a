"""Start localstripe without its shared on-disk store.

localstripe pickles its whole store to /tmp/localstripe.pickle on every write and reloads it at
start, so separate instances (test runs, the demo, CI) would leak data into each other and slow
down as the file grows. Each of ours starts empty and keeps everything in memory.
"""

import sys

from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "--from-scratch", *sys.argv[1:]]
    server.start()
