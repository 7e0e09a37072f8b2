from zctasks.cli import main

if __name__ == "__main__":  # not when a worker process of ``rollup`` re-imports it (spawn)
    main()
