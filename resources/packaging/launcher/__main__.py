import sys

from newsarchive import main

if __name__ == "__main__":
    sys.exit(main())
