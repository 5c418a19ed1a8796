import multiprocessing
import sys

from desktop.launch import main

# The guard matters: import worker processes (spawned) load the main module again.
if __name__ == "__main__":
    # In a frozen app a worker process starts as this executable again; this hands it to multiprocessing.
    multiprocessing.freeze_support()
    sys.exit(main())
