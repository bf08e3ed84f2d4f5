"""The command-line app: the parser, one module per command, the recipes, tables, plots and the
tour. ``neuronnet.app.cli.main`` is the ``neuronnet`` program."""
