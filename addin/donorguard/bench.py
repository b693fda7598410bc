"""python -m donorguard.bench: the benchmark (donorguard.tools.bench) under the name it has always had."""
import sys

from .tools.bench import main

if __name__ == "__main__":
    sys.exit(main())
