"""`python -m manyroads` is the `manyroads` command."""

from manyroads.cli import main

if __name__ == "__main__":
    main()
