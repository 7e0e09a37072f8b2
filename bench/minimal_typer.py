"""The start-up floor of every zctasks command: a minimal Typer app with one command,
run on the same Typer version (``bench/run.py``, ``bench/startup.py``).

    python bench/minimal_typer.py --dept 区发改局
"""

import typer

app = typer.Typer()


@app.command()
def main(dept: str = "") -> None:
    """Print the unit asked for."""
    print(dept)


if __name__ == "__main__":
    app()
