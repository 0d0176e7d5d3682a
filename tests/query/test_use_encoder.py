"""The real sentence encoder: offline, from its wheel (one load, ≈ 1.5 s)."""
import subprocess
import sys


def test_encoder_runs_offline_and_relates_paraphrases():
    code = r"""
import socket
def refuse(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
from query.encoder import UseEncoder
from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig
encoder = UseEncoder()
vectors = encoder.encode(["残疾人补贴怎么申请", "身心障碍者补助如何申请", "今天天气怎么样"])
assert vectors.shape == (3, 512)
related, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
assert related > unrelated + 0.1, (related, unrelated)
engine = Engine.build([Entry(1, "身心障碍者补助如何申请"), Entry(2, "如何申请停车位")], EngineConfig(), encoder=encoder)
assert engine.search("残疾人补贴怎么申请").hits[0].entry_id == 1
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"PATH": "", "OMP_NUM_THREADS": "1", "PYTHONPATH": "."})
    assert out.stdout.strip() == "ok", out.stderr
