"""Detection: rules that turn observations and model labels into acts and flags."""
