import multiprocessing
import sys

# The guard matters: import worker processes started by spawn load the main module again, and need
# nothing of the command line (so it is imported only when this runs as the program).
if __name__ == "__main__":
    # In a frozen app a worker process starts as this executable again; this hands it to multiprocessing.
    multiprocessing.freeze_support()
    from desktop.launch import main

    sys.exit(main())
