"""System checks registered at start-up (``govhall check``)."""
