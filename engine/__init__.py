"""Backprop Playground's engine: the lecture's network in pure numpy.

No streamlit or plotly here; everything works from a notebook:

    from engine import MLP, make_dataset, Trainer
    data = make_dataset("xor")
    trainer = Trainer(MLP([2, 4, 1]), data, lr=0.5)
    trainer.run(100)
"""

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from engine.datasets import DATASET_NAMES, FEATURES, Dataset, dataset_from_csv, make_dataset
from engine.gradcheck import GradCheck, gradcheck, relative_error
from engine.history import History
from engine.losses import LOSSES, check_pairing
from engine.metrics import METRICS, accuracy, r_squared
from engine.network import MLP, Backward, Forward, flatten_params, param_labels
from engine.record import RunRecord, Settings
from engine.run_config import RunConfig
from engine.step import Step, compute_step
from engine.training import Divergence, EpochResult, Trainer, train_epoch

__all__ = [
    "ACTIVATIONS", "DATASET_NAMES", "FEATURES", "HIDDEN_ACTIVATIONS", "LOSSES", "METRICS", "MLP",
    "OUTPUT_UNITS", "Backward", "Dataset", "Divergence", "EpochResult", "Forward", "GradCheck", "History",
    "RunConfig", "RunRecord", "Settings", "Step", "Trainer", "accuracy", "check_pairing", "compute_step",
    "dataset_from_csv", "flatten_params", "gradcheck", "make_dataset", "param_labels", "r_squared",
    "relative_error", "train_epoch",
]
