"""The Compare page: presets, the run editor, the training job and the figures."""
