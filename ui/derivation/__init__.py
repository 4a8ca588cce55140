"""The "Backprop, step by step" page: the lecture's equations with live numbers, its widgets and callbacks."""
