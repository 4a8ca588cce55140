"""A record of training, epoch by epoch, bounded in memory however long training runs."""

from __future__ import annotations

import numpy as np

Array = np.ndarray

SCALAR_ROWS = 20_000
WIDE_TABLE_FLOATS = 200_000


class ThinnedTable:
    """Rows tagged by epoch; when full, every other old row is dropped (newest always kept).

    Recent epochs stay dense and old ones thin out, so memory stays at `capacity` rows.
    """

    def __init__(self, width: int, capacity: int) -> None:
        self.capacity = max(2, int(capacity))
        start = min(self.capacity, 64)
        self._rows = np.empty((start, width))
        self._epochs = np.empty(start, dtype=np.int64)
        self._n = 0

    def append(self, epoch: int, row: Array) -> None:
        if self._n == len(self._epochs) < self.capacity:
            size = min(self.capacity, 2 * self._n)
            self._rows = np.resize(self._rows, (size, self._rows.shape[1]))
            self._epochs = np.resize(self._epochs, size)
        if self._n == self.capacity:
            keep = np.arange(0, self._n, 2)
            k = keep.size
            self._rows[:k] = self._rows[keep]
            self._epochs[:k] = self._epochs[keep]
            self._n = k
        self._rows[self._n] = row
        self._epochs[self._n] = epoch
        self._n += 1

    def __deepcopy__(self, memo: dict) -> ThinnedTable:
        """A copy of the rows held, without the room kept for more (up to half of the arrays)."""
        return ThinnedTable.restore(self.capacity, self.epochs, self.rows)

    def until(self, epoch: int) -> ThinnedTable:
        """A copy holding the rows up to `epoch`."""
        keep = self.epochs <= epoch
        return ThinnedTable.restore(self.capacity, self.epochs[keep], self.rows[keep])

    @classmethod
    def restore(cls, capacity: int, epochs: Array, rows: Array) -> ThinnedTable:
        """A table holding these rows (at most `capacity` of them), as if they had been appended."""
        table = cls(rows.shape[1], capacity)
        n = len(epochs)
        if n > table.capacity:
            raise ValueError(f"a table of at most {table.capacity} rows cannot hold {n}")
        table._rows, table._epochs, table._n = np.array(rows, dtype=np.float64), np.array(epochs, dtype=np.int64), n
        if n == 0:
            table._rows, table._epochs = np.empty((1, rows.shape[1])), np.empty(1, dtype=np.int64)
        return table

    @property
    def width(self) -> int:
        return self._rows.shape[1]

    @property
    def epochs(self) -> Array:
        return self._epochs[: self._n]

    @property
    def rows(self) -> Array:
        return self._rows[: self._n]

    def __len__(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes + self._epochs.nbytes


MAX_MARKS = 1000  # hand edits marked at most (the newest kept)
SCALARS = ("train_loss", "test_loss", "train_metric", "test_metric", "penalty", "epoch_loss")


class History:
    """Per-epoch losses, metrics, per-layer gradient and δ norms, per-neuron mean |δ|, snapshots.

    Columns are read as arrays aligned with `epochs`; wide records (`neuron_delta`,
    `snapshots`) have their own, thinner epoch axes.
    """

    def __init__(self, layer_sizes: list[int], n_params: int) -> None:
        self.layer_sizes = list(layer_sizes)
        self.n_layers = len(layer_sizes)
        width = len(SCALARS) + 2 * self.n_layers
        self._scalars = ThinnedTable(width, SCALAR_ROWS)
        n_neurons = sum(layer_sizes)
        self._neurons = ThinnedTable(n_neurons, min(5000, WIDE_TABLE_FLOATS // n_neurons))
        self._snapshots = ThinnedTable(n_params, min(500, WIDE_TABLE_FLOATS // n_params))
        self.marks: list[tuple[int, float]] = []  # (epoch, train loss after) of each hand edit

    @property
    def tables(self) -> dict[str, ThinnedTable]:
        """The three tables by name: scalars, neurons, snapshots."""
        return {"scalars": self._scalars, "neurons": self._neurons, "snapshots": self._snapshots}

    def restore(self, tables: dict[str, ThinnedTable], marks: list[tuple[int, float]]) -> None:
        """Take these tables (checked against this history's widths and capacities) and marks."""
        for name, table in tables.items():
            mine = self.tables[name]
            if (table.width, table.capacity) != (mine.width, mine.capacity):
                raise ValueError(f"the history's {name} table must have {mine.width} columns, got {table.width}")
        self._scalars, self._neurons, self._snapshots = (tables[k] for k in ("scalars", "neurons", "snapshots"))
        self.marks = list(marks)[-MAX_MARKS:]

    def until(self, epoch: int) -> History:
        """A copy holding the rows and marks up to `epoch`."""
        out = History(self.layer_sizes, self._snapshots.width)
        out.restore({k: t.until(epoch) for k, t in self.tables.items()}, [m for m in self.marks if m[0] <= epoch])
        return out

    def mark_edit(self, epoch: int, train_loss: float) -> None:
        """Note a hand edit of the parameters at `epoch` (the loss chart shows it)."""
        self.marks = [*self.marks, (int(epoch), float(train_loss))][-MAX_MARKS:]

    def record(
        self,
        epoch: int,
        scalars: dict[str, float],
        grad_norms: Array,
        delta_norms: Array,
        neuron_delta: list[Array],
        params: Array,
    ) -> None:
        row = [scalars.get(name, np.nan) for name in SCALARS]
        self._scalars.append(epoch, np.concatenate([row, grad_norms, delta_norms]))
        self._neurons.append(epoch, np.concatenate(neuron_delta))
        self._snapshots.append(epoch, params)

    def __len__(self) -> int:
        return len(self._scalars)

    @property
    def epochs(self) -> Array:
        return self._scalars.epochs

    def column(self, name: str) -> Array:
        """One scalar series: train_loss, test_loss, train_metric, test_metric, penalty, epoch_loss."""
        return self._scalars.rows[:, SCALARS.index(name)]

    @property
    def grad_norms(self) -> Array:
        """(epochs, L): mean ‖∂L/∂W^(l)‖ over the epoch's updates."""
        k = len(SCALARS)
        return self._scalars.rows[:, k : k + self.n_layers]

    @property
    def delta_norms(self) -> Array:
        """(epochs, L): mean ‖δ^(l)‖ per sample."""
        k = len(SCALARS) + self.n_layers
        return self._scalars.rows[:, k : k + self.n_layers]

    @property
    def neuron_epochs(self) -> Array:
        return self._neurons.epochs

    def neuron_delta(self, layer: int) -> Array:
        """(recorded epochs, units of layer): mean |δ_i^(l)| over each epoch's samples."""
        start = sum(self.layer_sizes[:layer])
        return self._neurons.rows[:, start : start + self.layer_sizes[layer]]

    @property
    def snapshot_epochs(self) -> Array:
        return self._snapshots.epochs

    @property
    def snapshots(self) -> Array:
        """(recorded epochs, n_params): parameters flattened as by `flatten_params`."""
        return self._snapshots.rows

    @property
    def snapshot_capacity(self) -> int:
        """How many snapshots are kept at most (older ones are thinned out by halves beyond that)."""
        return self._snapshots.capacity

    @property
    def nbytes(self) -> int:
        return self._scalars.nbytes + self._neurons.nbytes + self._snapshots.nbytes

    def as_table(self) -> dict[str, Array]:
        """Every per-epoch series as named columns (for CSV export)."""
        table = {"epoch": self.epochs}
        table.update({name: self.column(name) for name in SCALARS})
        for l in range(self.n_layers):
            table[f"grad_norm_W{l + 1}"] = self.grad_norms[:, l]
            table[f"delta_norm_{l + 1}"] = self.delta_norms[:, l]
        return table
