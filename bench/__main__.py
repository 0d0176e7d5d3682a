"""Run the benchmarks: `python -m bench [NAME ...]` (default: all)."""
import importlib
import sys

BENCHMARKS = ["state", "webhook", "search", "console", "intake", "insight"]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
        print(f"== bench/{name}")
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
