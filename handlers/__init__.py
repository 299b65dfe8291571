"""Channel adapters: each turns platform updates into normalised messages and renders replies."""
