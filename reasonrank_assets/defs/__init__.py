"""The Dagster layer: thin assets over `reasonrank_assets.core`, one module per stage."""
