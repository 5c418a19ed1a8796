import sys

from desktop.launch import main

# The guard matters: import worker processes (spawned) load the main module again.
if __name__ == "__main__":
    sys.exit(main())
