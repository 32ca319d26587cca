"""HTTP intake: verify, parse, store, answer; and the pure normalisers behind it."""
