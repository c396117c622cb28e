"""The console's pages, one module per area; each route is a ``ConsoleRoute``."""
