"""The evals harness: score routing on labelled cases through the production code path."""
