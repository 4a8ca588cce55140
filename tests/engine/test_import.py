"""The engine imports and trains without streamlit or plotly (e.g. in a notebook or a worker)."""

import subprocess
import sys

from tests.conftest import ROOT

BLOCKED = '''
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("streamlit", "plotly"):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, Block())
from engine import MLP, train_epoch, gradcheck, make_dataset, Trainer
try:
    import streamlit
except ImportError:
    pass
else:
    raise SystemExit("the block did not work")
data = make_dataset("xor", n=40)
net = MLP([2, 3, 1])
train_epoch(net, data.X_train, data.y_train, 0.5, batch_size=5)
assert gradcheck(net, data.X_train[:3], data.y_train[:3]).max_rel_error < 1e-4
Trainer(net, data).run(2)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly"))
assert not loaded, loaded
print("engine ok")
'''


def test_engine_imports_without_streamlit_and_plotly():
    result = subprocess.run([sys.executable, "-c", BLOCKED], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "engine ok"
