"""The published site: page models built from the archive (pure) and their mkdocs files (edge)."""
