"""``python -m sync`` is the same program as ``community-sync``."""

from sync.cli import main

if __name__ == "__main__":
    main()
