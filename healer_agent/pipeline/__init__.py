"""The stages between intake and dispatch: filter, dedup, the workers that run them."""
