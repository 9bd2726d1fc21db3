"""CLI command functions, registered on the typer app in perfeval_xl.cli."""
