"""The engine imports and runs without the packages it must not need, e.g. in a notebook or a worker.

Each check runs a fresh interpreter in which importing the named packages raises ImportError.
"""

import subprocess
import sys

from tests.conftest import ROOT

BLOCK = '''
import importlib.abc, sys

BLOCKED = {blocked!r}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked in this test")
        return None

sys.meta_path.insert(0, Block())
for package in BLOCKED:
    try:
        __import__(package)
    except ImportError:
        pass
    else:
        raise SystemExit(f"the block of {{package}} did not work")
'''

LOADED = '''
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
assert not loaded, loaded
print("ok")
'''


def run_without(blocked: tuple[str, ...], code: str) -> None:
    """Run `code` in a fresh interpreter where `blocked` cannot be imported; it must end cleanly."""
    script = BLOCK.format(blocked=blocked) + code + LOADED
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_engine_imports_without_streamlit_and_plotly():
    run_without(("streamlit", "plotly"), '''
from engine import MLP, train_epoch, gradcheck, make_dataset, Trainer
data = make_dataset("xor", n=40)
net = MLP([2, 3, 1])
train_epoch(net, data.X_train, data.y_train, 0.5, batch_size=5)
assert gradcheck(net, data.X_train[:3], data.y_train[:3]).max_rel_error < 1e-4
Trainer(net, data).run(2)
''')


def test_real_data_sets_load_without_scikit_learn():
    """The app's runtime requirements leave out scikit-learn (and its scipy): the real sets ship with the engine."""
    run_without(("sklearn", "scipy"), '''
from engine import make_dataset
from engine.datasets import REAL
for name in REAL:
    data = make_dataset(name, seed=1)
    assert data.X_train.dtype == "float64" and data.X_train.shape[0] > 100, name
''')
