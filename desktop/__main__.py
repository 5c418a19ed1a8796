import sys

from desktop.launch import main

sys.exit(main())
